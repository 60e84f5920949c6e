import { ShieldAlert } from "lucide-react";
import { redirect } from "next/navigation";

import { AppShell } from "@/app/_components/app-shell";
import { EmptyState } from "@/app/_components/empty-state";
import { auth } from "@/server/auth";

const ADMIN_NAV = [
  { href: "/admin", label: "Overview", exact: true },
  { href: "/admin/merchants", label: "Merchants" },
  { href: "/admin/payments", label: "Payments" },
  { href: "/admin/errors", label: "Errors" },
  { href: "/admin/fee-templates", label: "Fee templates" },
  { href: "/admin/audit-log", label: "Audit log" },
  { href: "/admin/admins", label: "Admins" },
  { href: "/admin/settlements", label: "Settlements" },
  { href: "/admin/refunds", label: "Refunds" },
  { href: "/admin/corrections", label: "Corrections" },
  { href: "/admin/statements", label: "Statements" },
  { href: "/admin/risk", label: "Risk" },
  { href: "/admin/operations", label: "Operations" },
];

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await auth();
  if (!user) redirect("/login?from=/admin");
  if (user.role !== "PLATFORM_ADMIN") {
    return (
      <main className="flex min-h-screen items-center justify-center p-6">
        <EmptyState
          icon={ShieldAlert}
          title="Platform administrators only"
          description="Your account does not have access to the admin console."
        />
      </main>
    );
  }
  return (
    <AppShell title="Platform admin" nav={ADMIN_NAV} userLabel={user.email ?? user.name ?? ""}>
      {children}
    </AppShell>
  );
}
