import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { api } from "@/app/_lib/trpc/server";

import { Dashboard } from "./dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const merchant = await api.merchants.get({ merchantId });
  return (
    <div className="grid gap-6">
      <PageHeader title="Dashboard" description={`Calls and revenue of ${merchant.name}, today against yesterday (UTC)`} />
      <Dashboard merchantId={merchantId} />
    </div>
  );
}
