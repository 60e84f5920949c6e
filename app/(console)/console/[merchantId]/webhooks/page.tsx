import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";

import { Webhooks } from "./webhooks";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("console");
  return { title: t("webhooks.title") };
}

export default async function WebhooksPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const t = await getTranslations("console");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("webhooks.title")}
        description={t.rich("webhooks.description", {
          header: "x-x402-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>",
          code: (chunks) => <code className="font-mono text-xs">{chunks}</code>,
        })}
      />
      <Webhooks merchantId={merchantId} />
    </div>
  );
}
