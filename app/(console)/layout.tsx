import { redirect } from "next/navigation";

import { auth } from "@/server/auth";

export default async function ConsoleGroupLayout({ children }: { children: React.ReactNode }) {
  const user = await auth();
  if (!user) redirect("/login?from=/console");
  return <>{children}</>;
}
