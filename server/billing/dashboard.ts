import type { Deps } from "@/server/deps";
import { getNetworkRegistry } from "@/server/networks/config";

import { fillDays, periodStats, type PeriodStats } from "./dashboard-math";

// The merchant dashboard: today against yesterday, and the last 30 days, all read from the usage
// records (every gateway request) in UTC days. Revenue is the CHARGED usage's amount: money that
// settled, in atomic units of its asset.

export type DashboardDay = { day: string; calls: number; paidCalls: number; revenueAtomic: string };
export type Dashboard = {
  asset: { symbol: string; decimals: number } | null;
  today: PeriodStats & { revenueAtomic: bigint };
  yesterday: PeriodStats & { revenueAtomic: bigint };
  days: DashboardDay[];
};

type TotalsRow = {
  calls: bigint;
  paid: bigint;
  failed: bigint;
  revenue: string | null;
  p50: number | null;
  p95: number | null;
};

async function totals(deps: Pick<Deps, "db">, merchantId: string, from: Date, to: Date) {
  const rows = await deps.db.$queryRawUnsafe<TotalsRow[]>(
    `SELECT count(*) AS calls,
            count(*) FILTER (WHERE "status" = 'CHARGED') AS paid,
            count(*) FILTER (WHERE "status" = 'FAILED') AS failed,
            (sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'))::text AS revenue,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamLatencyMs") AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamLatencyMs") AS p95
       FROM "UsageRecord"
      WHERE "merchantId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3`,
    merchantId,
    from,
    to,
  );
  const r = rows[0];
  return periodStats({
    calls: Number(r?.calls ?? 0),
    paidCalls: Number(r?.paid ?? 0),
    failedCalls: Number(r?.failed ?? 0),
    revenueAtomic: BigInt(r?.revenue ?? "0"),
    p50LatencyMs: r?.p50 === null || r?.p50 === undefined ? null : Math.round(Number(r.p50)),
    p95LatencyMs: r?.p95 === null || r?.p95 === undefined ? null : Math.round(Number(r.p95)),
  });
}

export async function getDashboard(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { merchantId: string },
): Promise<Dashboard> {
  const now = deps.now();
  const startOfToday = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  );
  const startOfYesterday = new Date(startOfToday.getTime() - 86_400_000);
  const from30 = new Date(startOfToday.getTime() - 29 * 86_400_000);
  const [today, yesterday, daily, anyRule] = await Promise.all([
    totals(deps, opts.merchantId, startOfToday, new Date(now.getTime() + 1)),
    totals(deps, opts.merchantId, startOfYesterday, startOfToday),
    deps.db.$queryRawUnsafe<{ day: string; calls: bigint; paid: bigint; revenue: string | null }[]>(
      `SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day,
              count(*) AS calls,
              count(*) FILTER (WHERE "status" = 'CHARGED') AS paid,
              (sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'))::text AS revenue
         FROM "UsageRecord"
        WHERE "merchantId" = $1 AND "createdAt" >= $2
        GROUP BY 1`,
      opts.merchantId,
      from30,
    ),
    deps.db.pricingRule.findFirst({
      where: { merchantId: opts.merchantId },
      orderBy: { createdAt: "asc" },
      select: { network: true, asset: true },
    }),
  ]);
  const asset = anyRule
    ? getNetworkRegistry(deps.env).asset(anyRule.network, anyRule.asset)
    : undefined;
  return {
    asset: asset ? { symbol: asset.symbol, decimals: asset.decimals } : null,
    today,
    yesterday,
    days: fillDays(
      daily.map((d) => ({
        day: d.day,
        calls: Number(d.calls),
        paidCalls: Number(d.paid),
        revenueAtomic: d.revenue ?? "0",
      })),
      now,
      30,
      (day) => ({ day, calls: 0, paidCalls: 0, revenueAtomic: "0" }),
    ),
  };
}
