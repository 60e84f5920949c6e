import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Statements } from "./statements";

export const metadata: Metadata = { title: "Statements" };

export default async function StatementsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Statements" description="Monthly gross, platform fees, refunds, adjustments, net, payouts and balances, from the ledger." />
      <Statements merchantId={merchantId} />
    </div>
  );
}
