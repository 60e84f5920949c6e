import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Webhooks } from "./webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Webhooks"
        description="We POST each event as JSON with x-x402-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>. Failed deliveries are retried with backoff."
      />
      <Webhooks merchantId={merchantId} />
    </div>
  );
}
