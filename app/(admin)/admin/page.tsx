import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";
import { auth } from "@/server/auth";

import { PlatformOverview } from "./_components/overview";

export const metadata: Metadata = { title: "Platform overview" };
export const dynamic = "force-dynamic";

export default async function AdminOverviewPage() {
  // pages render alongside their layout: the layout shows the refusal, the page renders nothing
  if ((await auth())?.role !== "PLATFORM_ADMIN") return null;
  return (
    <div className="grid gap-6">
      <PageHeader title="Platform overview" description="Traffic, revenue and platform fees across every merchant." />
      <PlatformOverview />
    </div>
  );
}
