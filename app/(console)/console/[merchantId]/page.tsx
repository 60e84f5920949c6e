import { Activity } from "lucide-react";
import type { Metadata } from "next";

import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { api } from "@/app/_lib/trpc/server";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  const merchant = await api.merchants.get({ merchantId });
  return (
    <div className="grid gap-6">
      <PageHeader title="Dashboard" description={`Calls and revenue of ${merchant.name}`} />
      <EmptyState
        icon={Activity}
        title="No calls yet"
        description={`Your gateway URL is /${merchant.id}/… — calls will appear here as soon as they arrive.`}
      />
    </div>
  );
}
