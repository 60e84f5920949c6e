import type { NavItem } from "@/app/_components/nav-links";

export type ConsoleNavKey =
  | "dashboard"
  | "transactions"
  | "calls"
  | "revenue"
  | "statements"
  | "refunds"
  | "pricing"
  | "entitlements"
  | "routing"
  | "keys"
  | "webhooks"
  | "alerts"
  | "team"
  | "settings"
  | "audit";

/** `label` translates a key of common.consoleNav (the layout passes its common translator). */
export function consoleNav(
  merchantId: string,
  role: "OWNER" | "ADMIN" | "DEVELOPER" | "API_KEY" | undefined,
  label: (key: ConsoleNavKey) => string,
): NavItem[] {
  const base = `/console/${merchantId}`;
  const items: { href: string; key: ConsoleNavKey; exact?: boolean }[] = [
    { href: base, key: "dashboard", exact: true },
    { href: `${base}/transactions`, key: "transactions" },
    { href: `${base}/calls`, key: "calls" },
    { href: `${base}/revenue`, key: "revenue" },
    { href: `${base}/statements`, key: "statements" },
    { href: `${base}/refunds`, key: "refunds" },
    { href: `${base}/pricing`, key: "pricing" },
    { href: `${base}/entitlements`, key: "entitlements" },
    { href: `${base}/routing`, key: "routing" },
    { href: `${base}/keys`, key: "keys" },
    { href: `${base}/webhooks`, key: "webhooks" },
    { href: `${base}/alerts`, key: "alerts" },
    { href: `${base}/team`, key: "team" },
    { href: `${base}/settings`, key: "settings" },
    // the audit log is for owners (like the team's management); other roles don't see the link
    ...(role === "OWNER" ? [{ href: `${base}/audit`, key: "audit" as const }] : []),
  ];
  return items.map(({ key, ...item }) => ({ ...item, label: label(key) }));
}
