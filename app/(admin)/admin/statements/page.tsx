import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { AdminStatements } from "./admin-statements";

export const metadata: Metadata = { title: "Statements" };
export const dynamic = "force-dynamic";

export default async function AdminStatementsPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Statements" description="Any merchant's monthly statement, from the ledger." />
      <AdminStatements />
    </div>
  );
}
