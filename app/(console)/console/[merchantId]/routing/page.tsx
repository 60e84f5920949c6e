import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { SigningSecret } from "./signing-secret";
import { TestCall } from "./test-call";
import { UpstreamCredentials } from "./upstream-credentials";
import { UpstreamForm } from "./upstream-form";
import { UpstreamHealth } from "./upstream-health";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("routing.title") };
}

export default async function RoutingPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader title={t("routing.title")} description={t("routing.description")} />
      <UpstreamForm merchantId={merchantId} />
      <UpstreamHealth merchantId={merchantId} />
      <SigningSecret merchantId={merchantId} />
      <UpstreamCredentials merchantId={merchantId} />
      <TestCall merchantId={merchantId} />
    </div>
  );
}
