import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { AdminStatements } from "./admin-statements";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.statements.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminStatementsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("pages.statements.title")}
        description={t("pages.statements.description")}
      />
      <AdminStatements />
    </div>
  );
}
