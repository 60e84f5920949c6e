import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { AdminAuditLog } from "@/app/_components/audit-log";
import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.auditLog.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminAuditLogPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.auditLog.title")} description={t("pages.auditLog.description")} />
      <AdminAuditLog />
    </div>
  );
}
