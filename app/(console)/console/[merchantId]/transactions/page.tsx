import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { Transactions } from "./transactions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("transactions.title") };
}

export default async function TransactionsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("transactions.title")} description={t("transactions.description")} />
      <Transactions merchantId={merchantId} />
    </div>
  );
}
