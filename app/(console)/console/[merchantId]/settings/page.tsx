import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { BatchSettingsForm } from "./batch-settings-form";
import { DeferredSettingsForm } from "./deferred-settings-form";
import { SettingsForm } from "./settings-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("settings.title") };
}

export default async function SettingsPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("settings.title")} description={t("settings.description")} />
      <SettingsForm merchantId={merchantId} />
      <DeferredSettingsForm merchantId={merchantId} />
      <BatchSettingsForm merchantId={merchantId} />
    </div>
  );
}
