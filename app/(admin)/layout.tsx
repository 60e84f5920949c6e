import { ShieldAlert } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";

import { AppShell } from "@/app/_components/app-shell";
import { EmptyState } from "@/app/_components/empty-state";
import { auth } from "@/server/auth";

// labels are keys of common.adminNav
const ADMIN_NAV = [
  { href: "/admin", key: "overview", exact: true },
  { href: "/admin/merchants", key: "merchants" },
  { href: "/admin/payments", key: "payments" },
  { href: "/admin/errors", key: "errors" },
  { href: "/admin/fee-templates", key: "feeTemplates" },
  { href: "/admin/audit-log", key: "auditLog" },
  { href: "/admin/admins", key: "admins" },
  { href: "/admin/settlements", key: "settlements" },
  { href: "/admin/refunds", key: "refunds" },
  { href: "/admin/corrections", key: "corrections" },
  { href: "/admin/statements", key: "statements" },
  { href: "/admin/risk", key: "risk" },
  { href: "/admin/operations", key: "operations" },
] as const;

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await auth();
  const t = await getTranslations("common");
  if (!user) redirect("/login?from=/admin");
  if (user.role !== "PLATFORM_ADMIN") {
    return (
      <main className="flex min-h-screen items-center justify-center p-6">
        <EmptyState
          icon={ShieldAlert}
          title={t("shell.adminOnlyTitle")}
          description={t("shell.adminOnlyDescription")}
        />
      </main>
    );
  }
  return (
    <AppShell
      title={t("shell.adminTitle")}
      nav={ADMIN_NAV.map(({ key, ...item }) => ({ ...item, label: t(`adminNav.${key}`) }))}
      userLabel={user.email ?? user.name ?? ""}
    >
      {children}
    </AppShell>
  );
}
