import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { SettlementRuns } from "./settlement-runs";

export const metadata: Metadata = { title: "Settlements" };
export const dynamic = "force-dynamic";

export default async function AdminSettlementsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Settlements"
        description="Pay PLATFORM-mode merchants what the treasury holds for them: each run pays every merchant's balance up to the period's end, once. Runs also start on their own on the 1st of each month for the month before."
      />
      <SettlementRuns />
    </div>
  );
}
