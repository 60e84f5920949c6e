import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { ApiKeys } from "./api-keys";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="API keys"
        description="Your own keys: a call to your gateway URL with X-API-Key is served without payment (for tests and monitoring) and never counted as revenue."
      />
      <ApiKeys merchantId={merchantId} />
    </div>
  );
}
