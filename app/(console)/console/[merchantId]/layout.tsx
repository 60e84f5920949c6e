import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";

import { AppShell } from "@/app/_components/app-shell";
import { StatusBadge } from "@/app/_components/status-badge";
import { api } from "@/app/_lib/trpc/server";
import { auth } from "@/server/auth";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { consoleNav } from "./_components/console-nav";

export default async function MerchantLayout(props: {
  children: React.ReactNode;
  params: Promise<{ merchantId: string }>;
}) {
  const { merchantId } = await props.params;
  if (!merchantIdSchema.safeParse(merchantId).success) notFound();
  const user = await auth();
  if (!user) notFound();
  const merchant = await api.merchants.get({ merchantId }).catch(() => null);
  const t = await getTranslations("common");
  if (!merchant) notFound();
  return (
    <AppShell
      title={
        <span className="flex items-center gap-2">
          <span className="truncate text-foreground">{merchant.name}</span>
          <StatusBadge status={merchant.status} />
        </span>
      }
      nav={consoleNav(merchantId, merchant.role, (key) => t(`consoleNav.${key}`))}
      userLabel={user.email ?? user.name ?? ""}
    >
      {props.children}
    </AppShell>
  );
}
