import { z } from "zod";

import { Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";

import { IS_ERROR } from "./metrics-sql";
import {
  ensureDailyRollups,
  ledgerDaysSql,
  payersSql,
  rollupCut,
  usageDaysSql,
  type RollupScope,
} from "./rollups";

// The platform overview: totals, a time series and the top merchants and endpoints over the last
// day (hourly buckets), week or month (daily buckets), each one SQL aggregate over the usage
// records (every gateway request) and the ledger. Amounts are atomic units of the payment asset.
// The totals, fee income and series take a scope: the merchant console's revenue view
// (server/billing/revenue.ts) runs the same queries for one merchant.

export const overviewPeriodSchema = z.enum(["day", "week", "month"]);
export type OverviewPeriod = z.infer<typeof overviewPeriodSchema>;

const PERIODS: Record<OverviewPeriod, { ms: number; bucket: "hour" | "day" }> = {
  day: { ms: 86_400_000, bucket: "hour" },
  week: { ms: 7 * 86_400_000, bucket: "day" },
  month: { ms: 30 * 86_400_000, bucket: "day" },
};

export type OverviewWindow = { from: Date; to: Date; bucket: "hour" | "day" };

export function overviewWindow(now: Date, period: OverviewPeriod): OverviewWindow {
  const p = PERIODS[period];
  const unit = p.bucket === "hour" ? 3_600_000 : 86_400_000;
  // whole buckets, so the first bar of the chart is not a partial one
  const to = new Date(now.getTime() + 1);
  const from = new Date(Math.floor((now.getTime() - p.ms) / unit + 1) * unit);
  return { from, to, bucket: p.bucket };
}

type Db = Pick<Deps, "db">;

export async function overviewTotals(
  deps: Db,
  w: OverviewWindow,
  cut: Date,
  scope: RollupScope = {},
) {
  const rows = await deps.db.$queryRaw<
    {
      calls: string | null;
      paid: string | null;
      errors: string | null;
      revenue: string | null;
      merchants: bigint;
    }[]
  >`
    WITH u AS (${usageDaysSql(w, cut, scope)})
    SELECT sum(calls)::text AS calls, sum(paid)::text AS paid, sum(errors)::text AS errors, sum(revenue)::text AS revenue,
           count(DISTINCT "merchantId") AS merchants
      FROM u`;
  const payers = await deps.db.$queryRaw<
    { payers: bigint }[]
  >`SELECT count(*) AS payers FROM (${payersSql(w, cut, scope)}) p`;
  const r = rows[0];
  return {
    calls: Number(r?.calls ?? 0),
    paidCalls: Number(r?.paid ?? 0),
    errors: Number(r?.errors ?? 0),
    revenueAtomic: BigInt(r?.revenue ?? "0"),
    distinctPayers: Number(payers[0]?.payers ?? 0),
    merchantsWithTraffic: Number(r?.merchants ?? 0),
  };
}

/** Platform fee income: PLATFORM_FEE entries are negative from the merchant's side, income to us. */
export async function overviewFeeIncome(
  deps: Db,
  w: OverviewWindow,
  cut: Date,
  scope: RollupScope = {},
): Promise<bigint> {
  const rows = await deps.db.$queryRaw<{ fees: string | null }[]>`
    SELECT (-sum(amount))::text AS fees FROM (${ledgerDaysSql(w, cut, scope)}) l WHERE "type" = 'PLATFORM_FEE'`;
  return BigInt(rows[0]?.fees ?? "0");
}

export async function overviewActiveMerchants(deps: Db): Promise<number> {
  return deps.db.merchant.count({ where: { status: "ACTIVE" } });
}

export type OverviewPoint = {
  at: Date;
  calls: number;
  paidCalls: number;
  errors: number;
  revenueAtomic: string;
  feesAtomic: string;
};

type SeriesRow = {
  at: Date;
  calls: bigint | string;
  paid: bigint | string;
  errors: bigint | string;
  revenue: string | null;
};

export async function overviewSeries(
  deps: Db,
  w: OverviewWindow,
  cut: Date,
  scope: RollupScope = {},
): Promise<OverviewPoint[]> {
  const merchant = scope.merchantId
    ? Prisma.sql` AND "merchantId" = ${scope.merchantId}`
    : Prisma.empty;
  // hourly buckets cover the last 24 hours only: read raw; daily buckets combine rollups and raw rows
  const [usage, fees] =
    w.bucket === "hour"
      ? await Promise.all([
          deps.db.$queryRaw<SeriesRow[]>`
            SELECT date_trunc('hour', "createdAt") AS at, count(*) AS calls,
                   count(*) FILTER (WHERE "status" = 'CHARGED') AS paid,
                   count(*) FILTER (WHERE ${IS_ERROR}) AS errors,
                   (sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'))::text AS revenue
              FROM "UsageRecord" WHERE "createdAt" >= ${w.from} AND "createdAt" < ${w.to}${merchant}
             GROUP BY 1`,
          deps.db.$queryRaw<{ at: Date; fees: string | null }[]>`
            SELECT date_trunc('hour', "createdAt") AS at, (-sum("amountAtomic"))::text AS fees
              FROM "LedgerEntry" WHERE "type" = 'PLATFORM_FEE' AND "createdAt" >= ${w.from} AND "createdAt" < ${w.to}${merchant}
             GROUP BY 1`,
        ])
      : await Promise.all([
          deps.db.$queryRaw<SeriesRow[]>`
            SELECT at, sum(calls)::text AS calls, sum(paid)::text AS paid, sum(errors)::text AS errors, sum(revenue)::text AS revenue
              FROM (${usageDaysSql(w, cut, scope)}) u GROUP BY 1`,
          deps.db.$queryRaw<{ at: Date; fees: string | null }[]>`
            SELECT at, (-sum(amount))::text AS fees FROM (${ledgerDaysSql(w, cut, scope)}) l WHERE "type" = 'PLATFORM_FEE' GROUP BY 1`,
        ]);
  return fillBuckets(
    w,
    usage.map((u) => ({
      at: u.at,
      calls: Number(u.calls),
      paidCalls: Number(u.paid),
      errors: Number(u.errors),
      revenueAtomic: u.revenue ?? "0",
    })),
    fees.map((f) => ({ at: f.at, feesAtomic: f.fees ?? "0" })),
  );
}

/** Pure: one point per bucket of the window, oldest first, zero where nothing happened. */
export function fillBuckets(
  w: OverviewWindow,
  usage: Omit<OverviewPoint, "feesAtomic">[],
  fees: { at: Date; feesAtomic: string }[],
): OverviewPoint[] {
  const unit = w.bucket === "hour" ? 3_600_000 : 86_400_000;
  const byAt = new Map(usage.map((u) => [u.at.getTime(), u]));
  const feeByAt = new Map(fees.map((f) => [f.at.getTime(), f.feesAtomic]));
  const out: OverviewPoint[] = [];
  for (let t = Math.floor(w.from.getTime() / unit) * unit; t < w.to.getTime(); t += unit) {
    const u = byAt.get(t);
    out.push({
      at: new Date(t),
      calls: u?.calls ?? 0,
      paidCalls: u?.paidCalls ?? 0,
      errors: u?.errors ?? 0,
      revenueAtomic: u?.revenueAtomic ?? "0",
      feesAtomic: feeByAt.get(t) ?? "0",
    });
  }
  return out;
}

export async function overviewTopMerchants(deps: Db, w: OverviewWindow, cut: Date, limit = 10) {
  const rows = await deps.db.$queryRaw<
    { merchantId: string; name: string; calls: string; paid: string; revenue: string }[]
  >`
    SELECT t."merchantId", m."name", t.calls::text AS calls, t.paid::text AS paid, t.revenue::text AS revenue
      FROM (SELECT "merchantId", sum(calls) AS calls, sum(paid) AS paid, sum(revenue) AS revenue
              FROM (${usageDaysSql(w, cut)}) u GROUP BY 1 ORDER BY revenue DESC, calls DESC LIMIT ${limit}) t
      JOIN "Merchant" m ON m."id" = t."merchantId"
     ORDER BY t.revenue DESC, t.calls DESC`;
  return rows.map((r) => ({
    merchantId: r.merchantId,
    name: r.name,
    calls: Number(r.calls),
    paidCalls: Number(r.paid),
    revenueAtomic: BigInt(r.revenue),
  }));
}

/** Endpoints are pricing rules (a pattern of one merchant); unpriced traffic has no rule and is left out. */
export async function overviewTopEndpoints(deps: Db, w: OverviewWindow, cut: Date, limit = 10) {
  const rows = await deps.db.$queryRaw<
    {
      ruleId: string;
      merchantId: string;
      merchantName: string;
      method: string;
      pathPattern: string;
      calls: string;
      paid: string;
      revenue: string;
    }[]
  >`
    SELECT t."ruleId", r."merchantId", m."name" AS "merchantName", array_to_string(r."methods"::text[], ', ') AS method, r."pathPattern", t.calls::text AS calls, t.paid::text AS paid, t.revenue::text AS revenue
      FROM (SELECT "ruleId", sum(calls) AS calls, sum(paid) AS paid, sum(revenue) AS revenue
              FROM (${usageDaysSql(w, cut)}) u WHERE "ruleId" <> '' GROUP BY 1 ORDER BY revenue DESC, calls DESC LIMIT ${limit}) t
      JOIN "PricingRule" r ON r."id" = t."ruleId"
      JOIN "Merchant" m ON m."id" = r."merchantId"
     ORDER BY t.revenue DESC, t.calls DESC`;
  return rows.map((r) => ({
    ruleId: r.ruleId,
    merchantId: r.merchantId,
    merchantName: r.merchantName,
    method: r.method,
    pathPattern: r.pathPattern,
    calls: Number(r.calls),
    paidCalls: Number(r.paid),
    revenueAtomic: BigInt(r.revenue),
  }));
}

/** ARPU: revenue per distinct paying wallet (integer division of atomic units), null with no payers. */
export function arpu(revenueAtomic: bigint, distinctPayers: number): bigint | null {
  return distinctPayers === 0 ? null : revenueAtomic / BigInt(distinctPayers);
}

/**
 * Pure: a period's money at a glance. `net` is what the merchant keeps (revenue less the platform's
 * fees); `platformShare` is the fees' share of revenue (0.025 = 2.5 %), to six decimal places, null
 * without revenue; ARPU as above.
 */
export function revenueSummary(t: {
  revenueAtomic: bigint;
  feesAtomic: bigint;
  distinctPayers: number;
}) {
  return {
    netAtomic: t.revenueAtomic - t.feesAtomic,
    platformShare:
      t.revenueAtomic === 0n
        ? null
        : Number((t.feesAtomic * 1_000_000n) / t.revenueAtomic) / 1_000_000,
    arpuAtomic: arpu(t.revenueAtomic, t.distinctPayers),
  };
}

export async function getPlatformOverview(
  deps: Pick<Deps, "db" | "now">,
  opts: { period: OverviewPeriod },
) {
  const w = overviewWindow(deps.now(), opts.period);
  const cut = rollupCut(w, await ensureDailyRollups(deps));
  const [totals, feeIncomeAtomic, activeMerchants, series, topMerchants, topEndpoints] =
    await Promise.all([
      overviewTotals(deps, w, cut),
      overviewFeeIncome(deps, w, cut),
      overviewActiveMerchants(deps),
      overviewSeries(deps, w, cut),
      overviewTopMerchants(deps, w, cut),
      overviewTopEndpoints(deps, w, cut),
    ]);
  return {
    period: opts.period,
    from: w.from,
    to: w.to,
    bucket: w.bucket,
    ...totals,
    failureRate: totals.calls === 0 ? null : totals.errors / totals.calls,
    arpuAtomic: arpu(totals.revenueAtomic, totals.distinctPayers),
    feeIncomeAtomic,
    activeMerchants,
    series,
    topMerchants,
    topEndpoints,
  };
}
