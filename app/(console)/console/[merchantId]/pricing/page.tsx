import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { PricingRules } from "./pricing-rules";
import { RuleTester } from "./rule-tester";
import { TrafficForm } from "./traffic-form";

export const metadata: Metadata = { title: "Pricing" };

export default async function PricingPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Pricing" description="Paths without a rule are free. The most specific matching rule (or the highest priority) prices a call." />
      <PricingRules merchantId={merchantId} />
      <RuleTester merchantId={merchantId} />
      <TrafficForm merchantId={merchantId} />
    </div>
  );
}
