import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Log } from "@/server/observability/logger";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";

import {
  abnormalPaymentAlerts,
  highFrequencyIpAlerts,
  rpcFailureAlerts,
  trendBreakAlerts,
  verificationFailureAlerts,
  type FiringAlert,
  type IpCalls,
  type MerchantSeries,
  type PayerFailures,
  type PaymentAttempts,
  type RpcTotals,
} from "./rules";
import type { AlertRule, MerchantAlertThresholds } from "./schemas";
import { findMerchantThresholds, getPlatformThresholds, merchantPart } from "./thresholds";

// The scheduled alert run (the evaluate-alerts job, once a minute across all instances; the unique
// open key would make a concurrent run harmless anyway): aggregate the access log of the last window and the day before it,
// read the RPC counters, apply the rules, then open, refresh or resolve stored alerts. Opening and
// resolving queue the merchant's alert.opened / alert.resolved webhooks in the same transaction.

export type AlertDeps = {
  db: PrismaClient;
  log: Log;
  now: () => Date;
  rpcTotals?: () => RpcTotals;
};
export type AlertRun = {
  opened: number;
  refreshed: number;
  resolved: number;
  evaluated: AlertRule[];
};

const BASELINE_MS = 24 * 60 * 60_000;

// A refused payment: a REJECTED access-log row whose reason is about the payment itself (bad
// signature, wrong amount, replay, failed settlement…), not a missing payment, a limit, a refused
// path, an API key, a Sign-In-With-X proof or an idempotent retry.
const REFUSED_PAYMENT = Prisma.sql`(status = 'REJECTED' AND reason IS NOT NULL
  AND reason NOT IN ('payment_required', 'rate_limited', 'upstream_path_refused', 'path_refused', 'method_not_priced', 'no_entitlement')
  AND reason NOT LIKE 'rate\\_limited\\_%' AND reason NOT LIKE 'api\\_key\\_%' AND reason NOT LIKE 'idempotent\\_%' AND reason NOT LIKE 'invalid\\_siwx\\_%')`;

async function paymentAttempts(db: PrismaClient, from: Date, to: Date): Promise<PaymentAttempts[]> {
  const rows = await db.$queryRaw<{ merchantId: string; attempts: bigint; failures: bigint }[]>`
    SELECT "merchantId",
           COUNT(*) FILTER (WHERE ${REFUSED_PAYMENT} OR status = 'CHARGED' OR (status = 'FAILED' AND "paymentId" IS NOT NULL)) AS attempts,
           COUNT(*) FILTER (WHERE ${REFUSED_PAYMENT}) AS failures
      FROM "UsageRecord" WHERE "createdAt" >= ${from} AND "createdAt" < ${to}
     GROUP BY "merchantId"`;
  return rows.map((r) => ({
    merchantId: r.merchantId,
    attempts: Number(r.attempts),
    failures: Number(r.failures),
  }));
}

async function payerFailures(
  db: PrismaClient,
  from: Date,
  to: Date,
  atLeast: number,
): Promise<PayerFailures[]> {
  const rows = await db.$queryRaw<
    { merchantId: string; payer: string; failures: bigint; reasons: string[] }[]
  >`
    SELECT "merchantId", payer, COUNT(*) AS failures, array_agg(DISTINCT reason) AS reasons
      FROM "UsageRecord" WHERE "createdAt" >= ${from} AND "createdAt" < ${to} AND payer IS NOT NULL AND ${REFUSED_PAYMENT}
     GROUP BY "merchantId", payer HAVING COUNT(*) >= ${atLeast}`;
  return rows.map((r) => ({
    merchantId: r.merchantId,
    payer: r.payer,
    failures: Number(r.failures),
    reasons: r.reasons,
  }));
}

async function ipCalls(
  db: PrismaClient,
  baselineFrom: Date,
  windowFrom: Date,
  to: Date,
  atLeast: number,
  baselineWindows: number,
): Promise<IpCalls[]> {
  const rows = await db.$queryRaw<
    { merchantId: string; clientIp: string; recent: bigint; baseline: bigint }[]
  >`
    SELECT "merchantId", "clientIp",
           COUNT(*) FILTER (WHERE "createdAt" >= ${windowFrom}) AS recent,
           COUNT(*) FILTER (WHERE "createdAt" < ${windowFrom}) AS baseline
      FROM "UsageRecord" WHERE "createdAt" >= ${baselineFrom} AND "createdAt" < ${to} AND "clientIp" IS NOT NULL
     GROUP BY "merchantId", "clientIp"
    HAVING COUNT(*) FILTER (WHERE "createdAt" >= ${windowFrom}) >= ${atLeast}`;
  return rows.map((r) => ({
    merchantId: r.merchantId,
    clientIp: r.clientIp,
    recent: Number(r.recent),
    baselineCalls: Number(r.baseline),
    baselineWindows,
  }));
}

async function merchantSeries(
  db: PrismaClient,
  baselineFrom: Date,
  to: Date,
  windowMs: number,
  windows: number,
): Promise<MerchantSeries[]> {
  const rows = await db.$queryRaw<
    { merchantId: string; bucket: number; calls: bigint; revenue: string }[]
  >`
    SELECT "merchantId",
           FLOOR((${to.getTime()}::float8 - EXTRACT(EPOCH FROM "createdAt")::float8 * 1000) / ${windowMs}::float8)::int AS bucket,
           COUNT(*) AS calls,
           COALESCE(SUM("amountAtomic") FILTER (WHERE status = 'CHARGED'), 0)::text AS revenue
      FROM "UsageRecord" WHERE "createdAt" >= ${baselineFrom} AND "createdAt" < ${to}
     GROUP BY 1, 2`;
  const byMerchant = new Map<string, MerchantSeries>();
  for (const row of rows) {
    if (row.bucket < 0 || row.bucket > windows) continue;
    let s = byMerchant.get(row.merchantId);
    if (!s) {
      s = {
        merchantId: row.merchantId,
        calls: new Array<number>(windows).fill(0),
        revenue: new Array<number>(windows).fill(0),
        currentCalls: 0,
        currentRevenue: 0,
      };
      byMerchant.set(row.merchantId, s);
    }
    if (row.bucket === 0) {
      s.currentCalls = Number(row.calls);
      s.currentRevenue = Number(row.revenue);
    } else {
      // bucket 1 is the window just before the current one; the arrays run oldest first
      s.calls[windows - row.bucket] = Number(row.calls);
      s.revenue[windows - row.bucket] = Number(row.revenue);
    }
  }
  return [...byMerchant.values()];
}

/** Evaluates every rule once. `previousRpc` is the RPC counters' last reading (null: first run). */
export async function evaluateAlerts(
  deps: AlertDeps,
  opts: { previousRpc: RpcTotals | null },
): Promise<AlertRun & { rpc: RpcTotals | null }> {
  const now = deps.now();
  const platform = await getPlatformThresholds(deps);
  const windowMs = platform.windowMinutes * 60_000;
  const windowFrom = new Date(now.getTime() - windowMs);
  const baselineWindows = Math.floor(BASELINE_MS / windowMs);
  const baselineFrom = new Date(windowFrom.getTime() - baselineWindows * windowMs);

  const [attempts, series] = await Promise.all([
    paymentAttempts(deps.db, windowFrom, now),
    merchantSeries(deps.db, baselineFrom, now, windowMs, baselineWindows),
  ]);
  const merchantIds = [
    ...new Set([...attempts.map((a) => a.merchantId), ...series.map((s) => s.merchantId)]),
  ];
  const own = await findMerchantThresholds(deps, merchantIds);
  const defaults = merchantPart(platform);
  const thresholdsFor = (merchantId: string): MerchantAlertThresholds => ({
    ...defaults,
    ...own.get(merchantId),
  });
  // the SQL keeps only candidates: the smallest threshold any merchant uses
  const minimum = (key: "payerFailedPayments" | "ipMinCalls") =>
    Math.min(defaults[key], ...[...own.values()].map((t) => t[key] ?? Infinity));
  const [payers, ips] = await Promise.all([
    payerFailures(deps.db, windowFrom, now, minimum("payerFailedPayments")),
    ipCalls(deps.db, baselineFrom, windowFrom, now, minimum("ipMinCalls"), baselineWindows),
  ]);

  const firing: FiringAlert[] = [
    ...verificationFailureAlerts(attempts, thresholdsFor),
    ...abnormalPaymentAlerts(payers, thresholdsFor),
    ...highFrequencyIpAlerts(ips, thresholdsFor),
    ...trendBreakAlerts(series, thresholdsFor),
  ];
  const evaluated: AlertRule[] = [
    "verification_failure_rate",
    "abnormal_payments",
    "high_frequency_ip",
    "trend_break",
  ];
  const rpc = deps.rpcTotals ? deps.rpcTotals() : null;
  // the RPC rule needs two readings: the first run only takes one
  if (rpc && opts.previousRpc) {
    firing.push(...rpcFailureAlerts(opts.previousRpc, rpc, platform));
    evaluated.push("chain_rpc_failure_rate");
  }
  const stored = await storeAlerts(deps, firing, evaluated, now);
  return { ...stored, evaluated, rpc };
}

export function alertEvent(
  alert: {
    id: string;
    rule: string;
    severity: string;
    title: string;
    openedAt: Date;
    resolvedAt?: Date | null;
  },
  details: unknown,
) {
  return {
    alertId: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    title: alert.title,
    details,
    openedAt: alert.openedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

async function storeAlerts(
  deps: AlertDeps,
  firing: FiringAlert[],
  evaluated: AlertRule[],
  now: Date,
): Promise<Omit<AlertRun, "evaluated">> {
  const open = await deps.db.alert.findMany({
    where: { status: "OPEN", rule: { in: evaluated } },
    select: { id: true, dedupeKey: true, merchantId: true },
  });
  const openByKey = new Map(open.map((a) => [a.dedupeKey, a]));
  const firingKeys = new Set(firing.map((f) => f.dedupeKey));
  let opened = 0;
  let refreshed = 0;
  let resolved = 0;

  for (const f of firing) {
    const existing = openByKey.get(f.dedupeKey);
    const details = f.details as Prisma.InputJsonValue;
    if (existing) {
      await deps.db.alert.updateMany({
        where: { id: existing.id, merchantId: existing.merchantId, status: "OPEN" },
        data: { lastSeenAt: now, details, title: f.title, severity: f.severity },
      });
      refreshed += 1;
      continue;
    }
    try {
      await deps.db.$transaction(async (tx) => {
        const alert = await tx.alert.create({
          data: {
            id: createId("alert"),
            merchantId: f.merchantId,
            rule: f.rule,
            severity: f.severity,
            openKey: f.dedupeKey,
            dedupeKey: f.dedupeKey,
            title: f.title,
            details,
            openedAt: now,
            lastSeenAt: now,
          },
        });
        if (alert.merchantId) {
          await enqueueWebhookEvent(tx, {
            merchantId: alert.merchantId,
            type: "alert.opened",
            eventId: `${alert.id}:alert.opened`,
            data: alertEvent(alert, f.details),
            at: now,
          });
        }
      });
      opened += 1;
      deps.log.warn(
        { rule: f.rule, merchantId: f.merchantId, dedupeKey: f.dedupeKey },
        `alert opened: ${f.title}`,
      );
    } catch (err) {
      // another instance opened the same alert between our read and this write: it stays one alert
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    }
  }

  for (const alert of open) {
    if (firingKeys.has(alert.dedupeKey)) continue;
    const done = await deps.db.$transaction(async (tx) => {
      const updated = await tx.alert.updateMany({
        where: { id: alert.id, merchantId: alert.merchantId, status: "OPEN" },
        data: { status: "RESOLVED", openKey: null, resolvedAt: now },
      });
      if (updated.count === 0) return false;
      if (alert.merchantId) {
        const row = await tx.alert.findFirstOrThrow({
          where: { id: alert.id, merchantId: alert.merchantId },
        });
        await enqueueWebhookEvent(tx, {
          merchantId: alert.merchantId,
          type: "alert.resolved",
          eventId: `${alert.id}:alert.resolved`,
          data: alertEvent(row, row.details),
          at: now,
        });
      }
      return true;
    });
    if (done) {
      resolved += 1;
      deps.log.info(
        { alertId: alert.id, merchantId: alert.merchantId, dedupeKey: alert.dedupeKey },
        "alert resolved",
      );
    }
  }
  return { opened, refreshed, resolved };
}

/** The scheduled evaluator: remembers the RPC counters' last reading between runs. */
export function createAlertEvaluator(deps: AlertDeps): { run(): Promise<AlertRun> } {
  let previousRpc: RpcTotals | null = null;
  return {
    async run() {
      const result = await evaluateAlerts(deps, { previousRpc });
      previousRpc = result.rpc;
      return result;
    },
  };
}
