import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { PricingRules } from "./pricing-rules";
import { RuleTester } from "./rule-tester";
import { TrafficForm } from "./traffic-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("pricing.title") };
}

export default async function PricingPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("pricing.title")} description={t("pricing.description")} />
      <PricingRules merchantId={merchantId} />
      <RuleTester merchantId={merchantId} />
      <TrafficForm merchantId={merchantId} />
    </div>
  );
}
