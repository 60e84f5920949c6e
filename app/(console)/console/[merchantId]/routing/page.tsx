import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { SigningSecret } from "./signing-secret";
import { TestCall } from "./test-call";
import { UpstreamCredentials } from "./upstream-credentials";
import { UpstreamForm } from "./upstream-form";
import { UpstreamHealth } from "./upstream-health";

export const metadata: Metadata = { title: "Routing" };

export default async function RoutingPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Routing" description="Where the gateway forwards your calls, how your API can trust them, and a test call through the gateway as a buyer would make it." />
      <UpstreamForm merchantId={merchantId} />
      <UpstreamHealth merchantId={merchantId} />
      <SigningSecret merchantId={merchantId} />
      <UpstreamCredentials merchantId={merchantId} />
      <TestCall merchantId={merchantId} />
    </div>
  );
}
