import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { RiskAlerts } from "./risk-alerts";
import { RiskBlocks } from "./risk-blocks";

export const metadata: Metadata = { title: "Risk" };
export const dynamic = "force-dynamic";

export default async function AdminRiskPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Risk" description="Every alert on the platform, the payers and client IPs the gateway refuses, and the default thresholds merchants inherit." />
      <RiskBlocks />
      <RiskAlerts />
    </div>
  );
}
