// Pure: the dashboard's derived numbers from raw period totals.

export type PeriodTotals = {
  calls: number;
  paidCalls: number;
  failedCalls: number;
  revenueAtomic: bigint;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
};

export type PeriodStats = PeriodTotals & { failureRate: number | null };

export function periodStats(t: PeriodTotals): PeriodStats {
  return { ...t, failureRate: t.calls === 0 ? null : t.failedCalls / t.calls };
}

/** The change from `previous` to `current` as a ratio (0.25 = +25 %), or null when there is no base. */
export function delta(current: number | bigint, previous: number | bigint): number | null {
  const p = Number(previous);
  if (p === 0) return null;
  return (Number(current) - p) / p;
}

/** Fills the days a query returned nothing for, oldest first, ending at `end` (UTC days). */
export function fillDays<T extends { day: string }>(
  rows: T[],
  end: Date,
  days: number,
  empty: (day: string) => T,
): T[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: T[] = [];
  const last = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(last - i * 86_400_000).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? empty(day));
  }
  return out;
}
