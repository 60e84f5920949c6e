import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { Entitlements } from "./entitlements";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("entitlements.title") };
}

export default async function EntitlementsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("entitlements.title")} description={t("entitlements.description")} />
      <Entitlements merchantId={merchantId} />
    </div>
  );
}
