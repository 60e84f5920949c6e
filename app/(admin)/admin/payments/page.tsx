import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { AdminPayments } from "./payments";

export const metadata: Metadata = { title: "Payments" };
export const dynamic = "force-dynamic";

export default async function AdminPaymentsPage(props: { searchParams: Promise<{ merchantId?: string }> }) {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  const { merchantId } = await props.searchParams;
  const initial = merchantIdSchema.safeParse(merchantId);
  return (
    <div className="grid gap-6">
      <PageHeader title="Payments" description="Every payment presented to any merchant's gateway." />
      <AdminPayments initialMerchantId={initial.success ? initial.data : undefined} />
    </div>
  );
}
