import type { Metrics, QueueName } from "./metrics";

// The admin console's live operations view, computed from this instance's metrics registry (the
// numbers Prometheus scrapes): requests per second and error rate over the last minute, settlement
// latency p50/p95 over the same interval, and the queues now. Each call keeps a snapshot, so the
// page's polling provides the interval; nothing runs in the background for it.

export type HistogramBucket = { le: number; count: number };

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
export function histogramQuantile(buckets: HistogramBucket[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      // the open-ended bucket has no upper bound: answer its lower one, as Prometheus does
      if (!Number.isFinite(bucket.le)) return previousLe;
      const inBucket = bucket.count - previousCount;
      return inBucket <= 0
        ? bucket.le
        : previousLe + ((bucket.le - previousLe) * (rank - previousCount)) / inBucket;
    }
    previousLe = bucket.le;
    previousCount = bucket.count;
  }
  return previousLe;
}

type Snapshot = {
  at: number;
  byOutcome: Record<string, number>;
  settleBuckets: Map<number, number>;
};

export type OperationsView =
  | { enabled: false }
  | {
      enabled: true;
      at: string;
      windowSeconds: number;
      requestsPerSecond: number;
      errorRate: number | null;
      byOutcome: Record<string, number>;
      settlement: { count: number; p50Ms: number | null; p95Ms: number | null };
      queues: { queue: QueueName; depth: number; oldestAgeSeconds: number }[];
    };

const HISTORY_MS = 60_000;
const history = new WeakMap<object, Snapshot[]>();

const ERROR_OUTCOMES = new Set(["upstream_error", "error"]);

export async function operationsView(metrics: Metrics, now: Date): Promise<OperationsView> {
  if (!metrics.registry) return { enabled: false };
  const json = await metrics.registry.getMetricsAsJSON();
  const snapshot: Snapshot = { at: now.getTime(), byOutcome: {}, settleBuckets: new Map() };
  const queues = new Map<QueueName, { depth: number; oldestAgeSeconds: number }>();
  for (const metric of json) {
    for (const v of metric.values) {
      const labels = v.labels as Record<string, string | number | undefined>;
      if (metric.name === "x402_gateway_requests_total") {
        const outcome = String(labels.outcome);
        snapshot.byOutcome[outcome] = (snapshot.byOutcome[outcome] ?? 0) + v.value;
      } else if (
        metric.name === "x402_facilitator_duration_seconds" &&
        labels.operation === "settle" &&
        (v as { metricName?: string }).metricName?.endsWith("_bucket")
      ) {
        const le = labels.le === "+Inf" ? Infinity : Number(labels.le);
        snapshot.settleBuckets.set(le, (snapshot.settleBuckets.get(le) ?? 0) + v.value);
      } else if (
        metric.name === "x402_queue_depth" ||
        metric.name === "x402_queue_oldest_age_seconds"
      ) {
        const queue = String(labels.queue) as QueueName;
        const entry = queues.get(queue) ?? { depth: 0, oldestAgeSeconds: 0 };
        if (metric.name === "x402_queue_depth") entry.depth = v.value;
        else entry.oldestAgeSeconds = v.value;
        queues.set(queue, entry);
      }
    }
  }

  const kept = (history.get(metrics.registry) ?? []).filter(
    (s) => snapshot.at - s.at <= HISTORY_MS && s.at < snapshot.at,
  );
  history.set(metrics.registry, [...kept, snapshot]);
  // the oldest snapshot of the last minute; before there is one, the interval starts at zero
  const base: Snapshot = kept[0] ?? {
    at: snapshot.at - 1000 * Math.max(1, process.uptime()),
    byOutcome: {},
    settleBuckets: new Map(),
  };
  const windowSeconds = Math.max((snapshot.at - base.at) / 1000, 0.001);

  const byOutcome: Record<string, number> = {};
  let total = 0;
  let errors = 0;
  for (const [outcome, count] of Object.entries(snapshot.byOutcome)) {
    const delta = count - (base.byOutcome[outcome] ?? 0);
    byOutcome[outcome] = delta / windowSeconds;
    total += delta;
    if (ERROR_OUTCOMES.has(outcome)) errors += delta;
  }
  const buckets = [...snapshot.settleBuckets].map(([le, count]) => ({
    le,
    count: count - (base.settleBuckets.get(le) ?? 0),
  }));
  const p = (q: number) => {
    const seconds = histogramQuantile(buckets, q);
    return seconds === null ? null : Math.round(seconds * 1000);
  };
  return {
    enabled: true,
    at: now.toISOString(),
    windowSeconds: Math.round(windowSeconds),
    requestsPerSecond: total / windowSeconds,
    errorRate: total > 0 ? errors / total : null,
    byOutcome,
    settlement: {
      count: buckets.find((b) => !Number.isFinite(b.le))?.count ?? 0,
      p50Ms: p(0.5),
      p95Ms: p(0.95),
    },
    queues: [...queues].map(([queue, q]) => ({ queue, ...q })),
  };
}
