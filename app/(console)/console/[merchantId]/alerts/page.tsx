import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { MerchantAlerts } from "./merchant-alerts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("alerts.title") };
}

export default async function AlertsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("alerts.title")} description={t("alerts.description")} />
      <MerchantAlerts merchantId={merchantId} />
    </div>
  );
}
