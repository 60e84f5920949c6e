import { Counter, Gauge, Histogram, Registry } from "prom-client";

import { createMerchantLabeler, type MerchantLabeler } from "./merchant-labels";
import { createPairTally, createPendingObservations } from "./metric-batches";

// The gateway's Prometheus metrics (served at /api/metrics, see server/observability/metrics-route.ts).
// Recording is a counter increment or a histogram observation (the gateway's per-request ones in
// batches, see metric-batches.ts): no I/O on the request path. Queue depths and pool use are read
// when Prometheus scrapes (collect callbacks), never per request.
// A registry per runtime rather than prom-client's global one, so tests read their own numbers;
// with metrics off every recorder is a no-op (the benchmark's "off" run, METRICS_ENABLED=false).

/** How a gateway request ended, as the `outcome` label (a closed set: label count stays bounded). */
export const GATEWAY_OUTCOMES = [
  "free",
  "payment_required",
  "paid",
  "rejected",
  "upstream_error",
  "rate_limited",
  "owner",
  "entitled",
  "error",
] as const;
export type GatewayOutcomeLabel = (typeof GATEWAY_OUTCOMES)[number];

export type FacilitatorOperation = "verify" | "settle";
export type QueueName = "usage_writer" | "webhooks" | "deferred_settlements";
export type QueueReading = { depth: number; oldestAgeSeconds: number };
export type PoolReading = { total: number; idle: number; waiting: number; max: number };

export type Metrics = {
  readonly enabled: boolean;
  readonly registry: Registry | null;
  gatewayRequest(o: {
    outcome: GatewayOutcomeLabel;
    reason: string;
    merchantId: string | null;
    seconds: number;
  }): void;
  facilitatorCall(o: {
    operation: FacilitatorOperation;
    facilitator: string;
    seconds: number;
    failureReason: string | null;
  }): void;
  rpcCall(o: { network: string; method: string; ok: boolean; seconds: number }): void;
  /** Reads a queue when Prometheus scrapes. */
  registerQueue(name: QueueName, read: () => QueueReading | Promise<QueueReading>): void;
  /** Reads the database pool when Prometheus scrapes (null: no pool, e.g. embedded PGlite). */
  registerDbPool(read: () => PoolReading | null): void;
  /** Cumulative JSON-RPC calls and errors per network since start (the chain RPC alert's input). */
  rpcTotals(): Record<string, { calls: number; errors: number }>;
};

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FACILITATOR_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** latencies kept between scrapes before they are handed to the histogram anyway (8 KiB of numbers) */
const PENDING_LATENCIES = 1024;

const noop = () => undefined;

/** Metrics switched off: every recorder does nothing and nothing is registered. */
export const DISABLED_METRICS: Metrics = {
  enabled: false,
  registry: null,
  gatewayRequest: noop,
  facilitatorCall: noop,
  rpcCall: noop,
  registerQueue: noop,
  registerDbPool: noop,
  rpcTotals: () => ({}),
};

export type MetricsOptions = {
  /** merchants that get their own label whatever their traffic */
  merchantAllowList?: readonly string[];
  /** how many of the busiest other merchants get their own label */
  merchantTopN?: number;
  merchantLabeler?: MerchantLabeler;
};

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const merchants =
    opts.merchantLabeler ??
    createMerchantLabeler({ topN: opts.merchantTopN ?? 20, allowList: opts.merchantAllowList });

  // the per-request metrics are recorded in batches (metric-batches.ts) and handed to prom-client
  // when any of them is collected, so a scrape sees all three at the same point
  const requestTally = createPairTally();
  const merchantTally = createPairTally();
  const latencies = createPendingObservations({
    max: PENDING_LATENCIES,
    onFull: () => flushRequests(),
  });
  const flushRequests = () => {
    requestTally.drain((outcome, reason, n) => requests.inc({ outcome, reason }, n));
    merchantTally.drain((merchant, outcome, n) => merchantRequests.inc({ merchant, outcome }, n));
    latencies.drain((outcome, seconds) => requestSeconds.observe({ outcome }, seconds));
  };
  const requests = new Counter({
    name: "x402_gateway_requests_total",
    help: "Gateway requests by outcome and reason",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
    collect: flushRequests,
  });
  const requestSeconds = new Histogram({
    name: "x402_gateway_request_duration_seconds",
    help: "Gateway time to the response head, by outcome",
    labelNames: ["outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
    collect: flushRequests,
  });
  const merchantRequests = new Counter({
    name: "x402_gateway_merchant_requests_total",
    help: 'Gateway requests per merchant (allow-listed and top-N merchants; the rest are merchant="other")',
    labelNames: ["merchant", "outcome"] as const,
    registers: [registry],
    collect: flushRequests,
  });
  const facilitatorSeconds = new Histogram({
    name: "x402_facilitator_duration_seconds",
    help: "Verification and settlement latency by facilitator and result",
    labelNames: ["operation", "facilitator", "result"] as const,
    buckets: FACILITATOR_BUCKETS,
    registers: [registry],
  });
  const facilitatorFailures = new Counter({
    name: "x402_facilitator_failures_total",
    help: "Failed verifications and settlements by reason and facilitator",
    labelNames: ["operation", "facilitator", "reason"] as const,
    registers: [registry],
  });
  const rpcCalls = new Counter({
    name: "x402_chain_rpc_requests_total",
    help: "Chain JSON-RPC calls by network and method",
    labelNames: ["network", "method"] as const,
    registers: [registry],
  });
  const rpcErrors = new Counter({
    name: "x402_chain_rpc_errors_total",
    help: "Failed chain JSON-RPC calls by network and method",
    labelNames: ["network", "method"] as const,
    registers: [registry],
  });
  const rpcSeconds = new Histogram({
    name: "x402_chain_rpc_duration_seconds",
    help: "Chain JSON-RPC latency by network",
    labelNames: ["network"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  // the same counts as the RPC counters, kept as plain numbers so the alert rules read them cheaply
  const rpcTotals: Record<string, { calls: number; errors: number }> = {};

  const queues = new Map<QueueName, () => QueueReading | Promise<QueueReading>>();
  // both queue gauges are collected in parallel on one scrape: they share one read of the queues
  let reading: Promise<Map<QueueName, QueueReading>> | null = null;
  const readQueues = () => {
    reading ??= Promise.all([...queues].map(async ([name, read]) => [name, await read()] as const))
      .then((entries) => new Map(entries))
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  new Gauge({
    name: "x402_queue_depth",
    help: "Items waiting in a queue (usage writer buffer, webhook deliveries, deferred settlements)",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      for (const [name, r] of await readQueues()) this.set({ queue: name }, r.depth);
    },
  });
  new Gauge({
    name: "x402_queue_oldest_age_seconds",
    help: "Age of the oldest waiting item of a queue",
    labelNames: ["queue"] as const,
    registers: [registry],
    async collect() {
      for (const [name, r] of await readQueues()) this.set({ queue: name }, r.oldestAgeSeconds);
    },
  });
  let readPool: (() => PoolReading | null) | null = null;
  new Gauge({
    name: "x402_db_pool_connections",
    help: "Database pool connections by state (total, idle, waiting clients, max)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const pool = readPool?.();
      if (!pool) return;
      for (const state of ["total", "idle", "waiting", "max"] as const)
        this.set({ state }, pool[state]);
    },
  });

  return {
    enabled: true,
    registry,
    gatewayRequest({ outcome, reason, merchantId, seconds }) {
      requestTally.add(outcome, reason);
      latencies.add(outcome, seconds);
      if (merchantId) merchantTally.add(merchants.labelFor(merchantId), outcome);
    },
    facilitatorCall({ operation, facilitator, seconds, failureReason }) {
      facilitatorSeconds.observe(
        { operation, facilitator, result: failureReason ? "failed" : "ok" },
        seconds,
      );
      if (failureReason) facilitatorFailures.inc({ operation, facilitator, reason: failureReason });
    },
    rpcCall({ network, method, ok, seconds }) {
      rpcCalls.inc({ network, method });
      const totals = (rpcTotals[network] ??= { calls: 0, errors: 0 });
      totals.calls += 1;
      if (!ok) totals.errors += 1;
      rpcSeconds.observe({ network }, seconds);
      if (!ok) rpcErrors.inc({ network, method });
    },
    registerQueue(name, read) {
      queues.set(name, read);
    },
    registerDbPool(read) {
      readPool = read;
    },
    rpcTotals: () => structuredClone(rpcTotals),
  };
}
