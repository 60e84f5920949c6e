import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { ApiKeys } from "./api-keys";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("keys.title") };
}

export default async function ApiKeysPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("keys.title")} description={t("keys.description")} />
      <ApiKeys merchantId={merchantId} />
    </div>
  );
}
