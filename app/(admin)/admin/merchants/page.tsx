import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { MerchantsList } from "./merchants-list";
import { HostedFacilitatorSettings } from "./hosted-facilitator";
import { RateLimitCaps } from "./rate-limit-caps";
import { ReceiptKeys } from "./receipt-keys";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin");
  return { title: t("pages.merchants.title") };
}

export const dynamic = "force-dynamic";

export default async function AdminMerchantsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const t = await getTranslations("admin");
  return (
    <div className="grid gap-6">
      <PageHeader
        title={t("pages.merchants.title")}
        description={t("pages.merchants.description")}
      />
      <MerchantsList />
      <RateLimitCaps />
      <HostedFacilitatorSettings />
      <ReceiptKeys />
    </div>
  );
}
