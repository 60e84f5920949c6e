import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { api } from "@/app/_lib/trpc/server";

import { Dashboard } from "./dashboard";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("dashboard.title") };
}

export default async function DashboardPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  const merchant = await api.merchants.get({ merchantId });
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("dashboard.title")}
        description={t("dashboard.description", { name: merchant.name })}
      />
      <Dashboard merchantId={merchantId} />
    </div>
  );
}
