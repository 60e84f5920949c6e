import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Entitlements } from "./entitlements";

export const metadata: Metadata = { title: "Passes & bundles" };

export default async function EntitlementsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Passes & bundles" description="What buyers bought with one payment: bundles of calls and time passes, per wallet, with what is left." />
      <Entitlements merchantId={merchantId} />
    </div>
  );
}
