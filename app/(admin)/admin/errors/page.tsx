import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { ErrorsReport } from "./errors-report";

export const metadata: Metadata = { title: "Errors" };
export const dynamic = "force-dynamic";

export default async function AdminErrorsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Errors" description="Failed verifications, settlements and upstream calls across merchants, grouped by reason." />
      <ErrorsReport />
    </div>
  );
}
