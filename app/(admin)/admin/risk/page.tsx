import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { RiskAlerts } from "./risk-alerts";
import { RiskBlocks } from "./risk-blocks";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.risk.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminRiskPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pages.risk.title")} description={t("pages.risk.description")} />
      <RiskBlocks />
      <RiskAlerts />
    </div>
  );
}
