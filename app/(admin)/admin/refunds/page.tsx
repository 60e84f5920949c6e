import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { AdminRefunds } from "./admin-refunds";

export const metadata: Metadata = { title: "Refunds" };
export const dynamic = "force-dynamic";

export default async function AdminRefundsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Refunds" description="Refund any settled payment. PLATFORM-mode payments are paid back from the treasury at once; DIRECT-mode refunds wait for the merchant's own transfer." />
      <AdminRefunds />
    </div>
  );
}
