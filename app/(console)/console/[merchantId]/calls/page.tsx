import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { CallLog } from "./call-log";

export const metadata: Metadata = { title: "Call log" };

export default async function CallsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Call log"
        description="Every request your gateway URL received: free, paid, refused or failed, with its latency, the payer and why it failed. Also at GET /api/v1/merchants/{id}/calls."
      />
      <CallLog merchantId={merchantId} />
    </div>
  );
}
