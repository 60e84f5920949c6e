import { redirect } from "next/navigation";

import { api } from "@/app/_lib/trpc/server";

export const dynamic = "force-dynamic";

export default async function ConsoleIndexPage() {
  const merchants = await api.merchants.listMine();
  const first = merchants[0];
  redirect(first ? `/console/${first.id}` : "/console/new");
}
