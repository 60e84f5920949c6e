import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { OperationsLive } from "./operations-live";

export const metadata: Metadata = { title: "Operations" };
export const dynamic = "force-dynamic";

export default async function AdminOperationsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Operations"
        description="This instance's gateway over the last minute, from the same metrics Prometheus scrapes at /api/metrics (a Grafana dashboard for them ships in server/observability/grafana-dashboard.json). Refreshes every 5 seconds."
      />
      <OperationsLive />
    </div>
  );
}
