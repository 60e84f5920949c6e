import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { DeferredSettingsForm } from "./deferred-settings-form";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Settings" description="Your merchant's name, the wallet that receives its payments, and deferred settlement." />
      <SettingsForm merchantId={merchantId} />
      <DeferredSettingsForm merchantId={merchantId} />
    </div>
  );
}
