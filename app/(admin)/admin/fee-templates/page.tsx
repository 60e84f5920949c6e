import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { FeeTemplates } from "./fee-templates";

export const metadata: Metadata = { title: "Fee templates" };
export const dynamic = "force-dynamic";

export default async function FeeTemplatesPage() {
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Fee templates" description="The platform's take per paid call: basis points of the amount plus an optional fixed fee. Assign a template on a merchant's page." />
      <FeeTemplates />
    </div>
  );
}
