import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Refunds } from "./refunds";

export const metadata: Metadata = { title: "Refunds" };

export default async function RefundsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Refunds"
        description="Refund a settled payment, fully or partly. Payments made to your own wallet are refunded from it: send the tokens to the payer, then record the transaction here."
      />
      <Refunds merchantId={merchantId} />
    </div>
  );
}
