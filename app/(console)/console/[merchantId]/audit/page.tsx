import { ShieldAlert } from "lucide-react";
import type { Metadata } from "next";

import { MerchantAuditLog } from "@/app/_components/audit-log";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { api } from "@/app/_lib/trpc/server";

export const metadata: Metadata = { title: "Audit log" };

export default async function MerchantAuditPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  // the layout already proved membership; the procedure itself refuses non-owners as well
  const merchant = await api.merchants.get({ merchantId });
  return (
    <div className="grid gap-6">
      <PageHeader title="Audit log" description="Who changed what on this merchant, including the platform's administrators. Entries cannot be edited or deleted." />
      {merchant.role === "OWNER" ? <MerchantAuditLog merchantId={merchantId} /> : <EmptyState icon={ShieldAlert} title="Owners only" description="Ask an owner of this merchant if you need to see its audit log." />}
    </div>
  );
}
