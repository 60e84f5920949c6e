import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { Revenue } from "./revenue";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("revenue.title") };
}

export default async function RevenuePage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("revenue.title")} description={t("revenue.description")} />
      <Revenue merchantId={merchantId} />
    </div>
  );
}
