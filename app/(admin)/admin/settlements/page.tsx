import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { SettlementRuns } from "./settlement-runs";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.settlements.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminSettlementsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("pages.settlements.title")}
        description={t("pages.settlements.description")}
      />
      <SettlementRuns />
    </div>
  );
}
