import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { TestCall } from "./test-call";
import { UpstreamForm } from "./upstream-form";

export const metadata: Metadata = { title: "Routing" };

export default async function RoutingPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Routing" description="Where the gateway forwards your calls, and a test call through the gateway as a buyer would make it." />
      <UpstreamForm merchantId={merchantId} />
      <TestCall merchantId={merchantId} />
    </div>
  );
}
