import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { Corrections } from "./corrections";

export const metadata: Metadata = { title: "Ledger corrections" };
export const dynamic = "force-dynamic";

export default async function CorrectionsPage() {
  const user = await auth();
  if (user?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Ledger corrections"
        description="Credit or debit a merchant's balance with a reason, optionally linked to a payment or payout. Above the threshold a second admin must approve; the entry then shows in the merchant's statement under adjustments and in the audit log."
      />
      <Corrections currentUserId={user.id} />
    </div>
  );
}
