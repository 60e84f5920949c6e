import type { NavItem } from "@/app/_components/nav-links";

export function consoleNav(merchantId: string, role?: "OWNER" | "ADMIN" | "DEVELOPER" | "API_KEY"): NavItem[] {
  const base = `/console/${merchantId}`;
  return [
    { href: base, label: "Dashboard", exact: true },
    { href: `${base}/transactions`, label: "Transactions" },
    { href: `${base}/calls`, label: "Call log" },
    { href: `${base}/revenue`, label: "Revenue" },
    { href: `${base}/statements`, label: "Statements" },
    { href: `${base}/refunds`, label: "Refunds" },
    { href: `${base}/pricing`, label: "Pricing" },
    { href: `${base}/entitlements`, label: "Passes & bundles" },
    { href: `${base}/routing`, label: "Routing" },
    { href: `${base}/keys`, label: "API keys" },
    { href: `${base}/webhooks`, label: "Webhooks" },
    { href: `${base}/alerts`, label: "Alerts" },
    { href: `${base}/team`, label: "Team" },
    { href: `${base}/settings`, label: "Settings" },
    // the audit log is for owners (like the team's management); other roles don't see the link
    ...(role === "OWNER" ? [{ href: `${base}/audit`, label: "Audit log" }] : []),
  ];
}
