import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { MerchantsList } from "./merchants-list";
import { HostedFacilitatorSettings } from "./hosted-facilitator";
import { RateLimitCaps } from "./rate-limit-caps";

export const metadata: Metadata = { title: "Merchants" };
export const dynamic = "force-dynamic";

export default async function AdminMerchantsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Merchants" description="Every merchant on the platform, with calls, error rate and settled revenue over the last 30 days." />
      <MerchantsList />
      <RateLimitCaps />
      <HostedFacilitatorSettings />
    </div>
  );
}
