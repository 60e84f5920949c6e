import {
  overviewFeeIncome,
  overviewSeries,
  overviewTotals,
  overviewWindow,
  revenueSummary,
  type OverviewPeriod,
} from "@/server/admin/overview";
import { ensureDailyRollups, rollupCut } from "@/server/admin/rollups";
import type { Deps } from "@/server/deps";

// The merchant console's revenue by day (the last 24 hours, hourly), week or month (daily): the
// admin overview's own queries (server/admin/overview.ts) scoped to one merchant in every WHERE,
// with the platform's fee share and ARPU. Amounts are atomic units of the payment asset.

export async function getMerchantRevenue(
  deps: Pick<Deps, "db" | "now">,
  opts: { merchantId: string; period: OverviewPeriod },
) {
  const w = overviewWindow(deps.now(), opts.period);
  const cut = rollupCut(w, await ensureDailyRollups(deps));
  const scope = { merchantId: opts.merchantId };
  const [totals, feesAtomic, series] = await Promise.all([
    overviewTotals(deps, w, cut, scope),
    overviewFeeIncome(deps, w, cut, scope),
    overviewSeries(deps, w, cut, scope),
  ]);
  return {
    period: opts.period,
    from: w.from,
    to: w.to,
    bucket: w.bucket,
    calls: totals.calls,
    paidCalls: totals.paidCalls,
    errors: totals.errors,
    distinctPayers: totals.distinctPayers,
    revenueAtomic: totals.revenueAtomic,
    feesAtomic,
    ...revenueSummary({
      revenueAtomic: totals.revenueAtomic,
      feesAtomic,
      distinctPayers: totals.distinctPayers,
    }),
    series,
  };
}
