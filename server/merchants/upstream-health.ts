import type { Deps } from "@/server/deps";

import type { UpstreamHealth } from "./schemas";

// The upstream's recent health for the routing page, read from the access log (UsageRecord): the
// calls that went to the upstream, how many failed on its side (>= 500, timeouts, connection
// failures) and its latency. 4xx answers are the upstream working as designed, not errors.

export const UPSTREAM_FAILURE_REASONS = [
  "upstream_timeout",
  "upstream_error",
  "upstream_blocked",
] as const;

type HealthRow = {
  calls: bigint;
  errors: bigint;
  p50: number | null;
  p95: number | null;
  last_error: Date | null;
};

/** Error rate and rounded latencies from the aggregate row (pure). */
export function summarizeUpstreamHealth(
  row: {
    calls: number;
    errors: number;
    p50: number | null;
    p95: number | null;
    lastErrorAt: Date | null;
  },
  windowHours: number,
): UpstreamHealth {
  return {
    windowHours,
    calls: row.calls,
    errors: row.errors,
    errorRate: row.calls === 0 ? null : row.errors / row.calls,
    p50LatencyMs: row.p50 === null ? null : Math.round(row.p50),
    p95LatencyMs: row.p95 === null ? null : Math.round(row.p95),
    lastErrorAt: row.lastErrorAt,
  };
}

export async function getUpstreamHealth(
  deps: Pick<Deps, "db" | "now">,
  opts: { merchantId: string; windowHours: number },
): Promise<UpstreamHealth> {
  const since = new Date(deps.now().getTime() - opts.windowHours * 3_600_000);
  // a row reached the upstream when it has an upstream status, or failed on the way there
  const rows = await deps.db.$queryRawUnsafe<HealthRow[]>(
    `SELECT count(*) AS calls,
            count(*) FILTER (WHERE "upstreamStatus" >= 500 OR ("upstreamStatus" IS NULL AND "reason" = ANY($3::text[]))) AS errors,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY "upstreamLatencyMs") AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY "upstreamLatencyMs") AS p95,
            max("createdAt") FILTER (WHERE "upstreamStatus" >= 500 OR ("upstreamStatus" IS NULL AND "reason" = ANY($3::text[]))) AS last_error
       FROM "UsageRecord"
      WHERE "merchantId" = $1 AND "createdAt" >= $2
        AND ("upstreamStatus" IS NOT NULL OR "reason" = ANY($3::text[]))`,
    opts.merchantId,
    since,
    [...UPSTREAM_FAILURE_REASONS],
  );
  const r = rows[0];
  return summarizeUpstreamHealth(
    {
      calls: Number(r?.calls ?? 0),
      errors: Number(r?.errors ?? 0),
      p50: r?.p50 === null || r?.p50 === undefined ? null : Number(r.p50),
      p95: r?.p95 === null || r?.p95 === undefined ? null : Number(r.p95),
      lastErrorAt: r?.last_error ?? null,
    },
    opts.windowHours,
  );
}
