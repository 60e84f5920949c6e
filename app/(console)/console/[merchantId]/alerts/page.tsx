import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { MerchantAlerts } from "./merchant-alerts";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Alerts"
        description="Risk alerts about this merchant: payment failure rates, payers with many failed or replayed payments, unusually busy client IPs, and calls or revenue breaking from the usual level. They resolve on their own when the condition clears; subscribe a webhook to alert.opened and alert.resolved to hear of them."
      />
      <MerchantAlerts merchantId={merchantId} />
    </div>
  );
}
