import type { Metadata } from "next";

import { PageHeader } from "@/app/_components/page-header";

import { Team } from "./team";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage(props: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await props.params;
  return (
    <div className="grid gap-6">
      <PageHeader title="Team" description="Owners manage everything; admins manage pricing, routing, keys, webhooks and the payout wallet; developers manage keys and run test calls." />
      <Team merchantId={merchantId} />
    </div>
  );
}
