import type { AlertRule, MerchantAlertThresholds, PlatformAlertThresholds } from "./schemas";

// The alert rules as pure functions of aggregated data (server/alerts/evaluate.ts does the SQL and
// the storing). Each returns the alerts that fire now; an open alert whose rule was evaluated and
// that is not among them has cleared.

export type AlertSeverityName = "INFO" | "WARNING" | "CRITICAL";

export type FiringAlert = {
  rule: AlertRule;
  merchantId: string | null;
  /** one open alert per key: the same condition firing again updates it instead of opening another */
  dedupeKey: string;
  severity: AlertSeverityName;
  title: string;
  details: Record<string, string | number | string[] | null>;
};

export type ThresholdsFor = (merchantId: string) => MerchantAlertThresholds;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

// ── verification failure rate per merchant ──────────────────────────────────────────────────────

/** Payment attempts at a merchant in the window, and how many were refused (bad signature, replay, …). */
export type PaymentAttempts = { merchantId: string; attempts: number; failures: number };

export function verificationFailureAlerts(
  rows: PaymentAttempts[],
  thresholdsFor: ThresholdsFor,
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  for (const row of rows) {
    const t = thresholdsFor(row.merchantId);
    if (row.attempts < t.verificationMinAttempts) continue;
    const rate = row.failures / row.attempts;
    if (rate < t.verificationFailureRate) continue;
    firing.push({
      rule: "verification_failure_rate",
      merchantId: row.merchantId,
      dedupeKey: `verification_failure_rate:${row.merchantId}`,
      severity: rate >= Math.min(1, t.verificationFailureRate * 2) ? "CRITICAL" : "WARNING",
      title: `${pct(rate)} of payment attempts failed verification`,
      details: {
        attempts: row.attempts,
        failures: row.failures,
        rate: Number(rate.toFixed(4)),
        threshold: t.verificationFailureRate,
      },
    });
  }
  return firing;
}

// ── chain RPC failure rate per network (from the metrics' cumulative counters) ──────────────────

export type RpcTotals = Record<string, { calls: number; errors: number }>;

/** Compares two readings of the cumulative RPC counters; the calls between them decide. */
export function rpcFailureAlerts(
  previous: RpcTotals,
  current: RpcTotals,
  t: Pick<PlatformAlertThresholds, "rpcFailureRate" | "rpcMinCalls">,
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  for (const [network, now] of Object.entries(current)) {
    const before = previous[network] ?? { calls: 0, errors: 0 };
    // a restarted process starts its counters at zero again: then the current reading is the delta
    const reset = now.calls < before.calls;
    const calls = reset ? now.calls : now.calls - before.calls;
    const errors = reset ? now.errors : now.errors - before.errors;
    if (calls < t.rpcMinCalls) continue;
    const rate = errors / calls;
    if (rate < t.rpcFailureRate) continue;
    firing.push({
      rule: "chain_rpc_failure_rate",
      merchantId: null,
      dedupeKey: `chain_rpc_failure_rate:${network}`,
      severity: "CRITICAL",
      title: `${pct(rate)} of chain RPC calls to ${network} failed`,
      details: {
        network,
        calls,
        errors,
        rate: Number(rate.toFixed(4)),
        threshold: t.rpcFailureRate,
      },
    });
  }
  return firing;
}

// ── abnormal payments: one payer with many failed signatures or replays ─────────────────────────

export type PayerFailures = {
  merchantId: string;
  payer: string;
  failures: number;
  reasons: string[];
};

export function abnormalPaymentAlerts(
  rows: PayerFailures[],
  thresholdsFor: ThresholdsFor,
): FiringAlert[] {
  return rows
    .filter((row) => row.failures >= thresholdsFor(row.merchantId).payerFailedPayments)
    .map((row) => ({
      rule: "abnormal_payments" as const,
      merchantId: row.merchantId,
      dedupeKey: `abnormal_payments:${row.merchantId}:${row.payer}`,
      severity: "WARNING" as const,
      title: `Payer ${row.payer} sent ${row.failures} failed or replayed payments`,
      details: {
        payer: row.payer,
        failures: row.failures,
        reasons: row.reasons.slice(0, 10),
        threshold: thresholdsFor(row.merchantId).payerFailedPayments,
      },
    }));
}

// ── high-frequency IPs: one client IP far above its usual rate on a merchant ────────────────────

/** Calls from one IP at a merchant in the window, and in the baseline day before it. */
export type IpCalls = {
  merchantId: string;
  clientIp: string;
  recent: number;
  baselineCalls: number;
  baselineWindows: number;
};

export function highFrequencyIpAlerts(
  rows: IpCalls[],
  thresholdsFor: ThresholdsFor,
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  for (const row of rows) {
    const t = thresholdsFor(row.merchantId);
    const usual = row.baselineWindows > 0 ? row.baselineCalls / row.baselineWindows : 0;
    // an IP never seen before has a usual rate of zero: the minimum alone decides for it
    if (row.recent < t.ipMinCalls || row.recent < t.ipRateMultiplier * usual) continue;
    firing.push({
      rule: "high_frequency_ip",
      merchantId: row.merchantId,
      dedupeKey: `high_frequency_ip:${row.merchantId}:${row.clientIp}`,
      severity: "WARNING",
      title: `${row.clientIp} made ${row.recent} calls in the window (usually ${usual.toFixed(1)})`,
      details: {
        clientIp: row.clientIp,
        recent: row.recent,
        usualPerWindow: Number(usual.toFixed(2)),
        multiplier: t.ipRateMultiplier,
        minCalls: t.ipMinCalls,
      },
    });
  }
  return firing;
}

// ── trend break: a merchant's calls or revenue breaking from its own recent baseline ────────────
//
// Statistic: the robust z-score z = (x − median) / (1.4826 · MAD) of the last window against the
// windows of the day before it. Median and MAD (median absolute deviation) rather than mean and
// standard deviation because the baseline itself holds spikes and outages: one burst would inflate
// the standard deviation and hide the next one, while the median and MAD ignore up to half the
// windows being unusual. 1.4826 · MAD estimates the standard deviation for normal data, so the
// threshold reads in familiar units. Counts of calls are noisy even when nothing changes (Poisson:
// variance ≈ mean), and a perfectly steady baseline has MAD 0, so the scale never falls below
// √median calls (for revenue: the median price times √median calls) — otherwise one extra call
// against a flat baseline would be "infinitely" unusual.

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function robustZ(
  x: number,
  baseline: number[],
  floor: number,
): { median: number; mad: number; scale: number; z: number } {
  const m = median(baseline);
  const mad = median(baseline.map((v) => Math.abs(v - m)));
  const scale = Math.max(1.4826 * mad, floor, Number.EPSILON);
  return { median: m, mad, scale, z: (x - m) / scale };
}

/** A merchant's calls and revenue (atomic units) per window: the baseline day, oldest first, and the last window. */
export type MerchantSeries = {
  merchantId: string;
  calls: number[];
  revenue: number[];
  currentCalls: number;
  currentRevenue: number;
};

export function trendBreakAlerts(
  series: MerchantSeries[],
  thresholdsFor: ThresholdsFor,
): FiringAlert[] {
  const firing: FiringAlert[] = [];
  for (const s of series) {
    const t = thresholdsFor(s.merchantId);
    const calls = robustZ(s.currentCalls, s.calls, Math.sqrt(Math.max(median(s.calls), 1)));
    if (calls.median < t.trendMinBaselineCalls) continue;
    const breaks: { statistic: "calls" | "revenue"; z: number; median: number; current: number }[] =
      [];
    if (Math.abs(calls.z) >= t.trendZScore)
      breaks.push({
        statistic: "calls",
        z: calls.z,
        median: calls.median,
        current: s.currentCalls,
      });
    const medianRevenue = median(s.revenue);
    if (medianRevenue > 0) {
      const revenue = robustZ(
        s.currentRevenue,
        s.revenue,
        (medianRevenue / calls.median) * Math.sqrt(calls.median),
      );
      if (Math.abs(revenue.z) >= t.trendZScore)
        breaks.push({
          statistic: "revenue",
          z: revenue.z,
          median: revenue.median,
          current: s.currentRevenue,
        });
    }
    for (const b of breaks) {
      const direction = b.z > 0 ? "above" : "below";
      firing.push({
        rule: "trend_break",
        merchantId: s.merchantId,
        dedupeKey: `trend_break:${s.merchantId}:${b.statistic}`,
        severity: b.z < 0 ? "WARNING" : "INFO",
        title: `${b.statistic === "calls" ? "Calls" : "Revenue"} ${direction} the usual level (robust z ${b.z.toFixed(1)})`,
        details: {
          statistic: b.statistic,
          current: b.current,
          baselineMedian: b.median,
          z: Number(b.z.toFixed(2)),
          threshold: t.trendZScore,
        },
      });
    }
  }
  return firing;
}
