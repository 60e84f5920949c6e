import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Transactions } from "./transactions";

export const metadata: Metadata = { title: "Transactions" };

export default async function TransactionsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Transactions" description="Every payment presented to your gateway: settled, failed (not charged) or still being settled." />
      <Transactions merchantId={merchantId} />
    </div>
  );
}
