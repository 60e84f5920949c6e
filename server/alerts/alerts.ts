import type { z } from "zod";

import type { Deps } from "@/server/deps";

import type { listAlertsInput } from "./schemas";

// Reading stored alerts: a merchant sees its own (the query is scoped by its id); the platform's
// risk page sees every alert, platform-wide ones (chain RPC) included.

const alertSelect = {
  id: true,
  merchantId: true,
  rule: true,
  dedupeKey: true,
  severity: true,
  status: true,
  title: true,
  details: true,
  openedAt: true,
  lastSeenAt: true,
  resolvedAt: true,
  acknowledgedAt: true,
} as const;

export type AlertDto = {
  id: string;
  merchantId: string | null;
  rule: string;
  dedupeKey: string;
  severity: "INFO" | "WARNING" | "CRITICAL";
  status: "OPEN" | "RESOLVED";
  title: string;
  details: unknown;
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  /** seen by a person; the alert stays OPEN until its condition clears or someone resolves it */
  acknowledgedAt: Date | null;
};

export async function listMerchantAlerts(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string } & z.infer<typeof listAlertsInput>,
): Promise<AlertDto[]> {
  return deps.db.alert.findMany({
    where: { merchantId: opts.merchantId, ...(opts.status ? { status: opts.status } : {}) },
    orderBy: [{ status: "asc" }, { openedAt: "desc" }],
    take: opts.limit,
    select: alertSelect,
  });
}

export async function listAllAlerts(
  deps: Pick<Deps, "db">,
  opts: z.infer<typeof listAlertsInput>,
): Promise<(AlertDto & { merchantName: string | null })[]> {
  const rows = await deps.db.alert.findMany({
    where: opts.status ? { status: opts.status } : {},
    orderBy: [{ status: "asc" }, { openedAt: "desc" }],
    take: opts.limit,
    select: { ...alertSelect, merchant: { select: { name: true } } },
  });
  return rows.map(({ merchant, ...row }) => ({ ...row, merchantName: merchant?.name ?? null }));
}
