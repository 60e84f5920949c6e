import { redirect } from "next/navigation";

import { api } from "@/app/_lib/trpc/server";
import { auth } from "@/server/auth";

export const dynamic = "force-dynamic";

// Where "/console" (the sign-in's default destination) leads: the user's first merchant; a
// platform admin without a merchant to the admin overview rather than "Create a merchant" (an admin
// cannot use a merchant form they have no business filling in). An admin who also belongs to
// merchants gets their console like any member: they asked for /console, and /admin stays at its URL.
export default async function ConsoleIndexPage() {
  const merchants = await api.merchants.listMine();
  const first = merchants[0];
  if (first) redirect(`/console/${first.id}`);
  redirect((await auth())?.role === "PLATFORM_ADMIN" ? "/admin" : "/console/new");
}
