import type { Metadata } from "next";

import { AdminAuditLog } from "@/app/_components/audit-log";
import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AdminAuditLogPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Audit log" description="Every change by anyone, on any merchant or the platform. Entries cannot be edited or deleted; click one to see what changed." />
      <AdminAuditLog />
    </div>
  );
}
