import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Revenue } from "./revenue";

export const metadata: Metadata = { title: "Revenue" };

export default async function RevenuePage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Revenue" description="Paid calls, revenue, the platform's share and what you keep, by the last day, week or month." />
      <Revenue merchantId={merchantId} />
    </div>
  );
}
