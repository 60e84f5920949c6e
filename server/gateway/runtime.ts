import { erc20Abi, type Address } from "viem";

import { createAlertEvaluator } from "@/server/alerts/evaluate";
import { createTtlCache } from "@/server/cache/ttl-cache";
import { createChainClientRegistry, type ChainClientRegistry } from "@/server/chain/clients";
import type { BaseDeps } from "@/server/deps";
import { createFacilitators, type Facilitators } from "@/server/facilitator";
import {
  createHostedConfigSource,
  type HostedConfigSource,
} from "@/server/facilitator/hosted/hosted-settings";
import { billingDeps } from "@/server/billing/deps";
import { runScheduledSettlement } from "@/server/billing/settlement-runs";
import { facilitatorPrivateKeys, type ServerEnv } from "@/server/env";
import { createJobScheduler, type JobDefinition, type JobScheduler } from "@/server/jobs/scheduler";
import { getNetworkRegistry } from "@/server/networks/config";
import { accessLogger } from "@/server/observability/logger";
import { createMetrics, DISABLED_METRICS, type Metrics } from "@/server/observability/metrics";
import { readDeferredQueue, readWebhookQueue } from "@/server/observability/queues";
import { settleBatches } from "@/server/payments/batch-settlement";
import { settleDeferredPayments, type DeferredQueueOptions } from "@/server/payments/deferred";
import { reconcilePayments } from "@/server/payments/reconcile";
import { createUsageWriter, type UsageWriter } from "@/server/payments/usage-writer";
import { createBlocklistCache } from "@/server/risk/blocklist-cache";
import { createRateLimiter } from "@/server/rate-limit/create-rate-limiter";
import { createReceiptKeyHolder } from "@/server/receipts/key-holder";
import { purgeExpiredIdempotencyKeys } from "@/server/public-api/idempotency";
import { deliverDueWebhooks } from "@/server/webhooks/deliver";

import type { GatewayDeps } from "./gateway-deps";
import { createMerchantSnapshotCache } from "./merchant-snapshot";

// The gateway's long-lived parts, built once per runtime (server/runtime.ts): chain clients,
// facilitators, the merchant cache, the rate limiter, the batched access-log writer, and the
// background jobs (server/jobs/).

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Payments untouched for this long are examined by the reconciler (longer than any request). */
export const RECONCILE_AFTER_MS = 5 * 60_000;
const RECONCILE_EVERY_MS = 60_000;

export type GatewayRuntime = GatewayDeps & {
  chains: ChainClientRegistry;
  facilitators: Facilitators;
  /** the hosted facilitator's config as this process holds it (reloaded when admins change it) */
  hostedConfig: HostedConfigSource;
  /** the background jobs (claimed once across instances); the cron route calls jobs.runDue() */
  jobs: JobScheduler;
  close(): Promise<void>;
};

const WEBHOOKS_EVERY_MS = 2_000;

const DEFERRED_EVERY_MS = 1_000;
/** batch thresholds are counted in calls or minutes: a look every 15 s is enough */
const BATCH_EVERY_MS = 15_000;
const SETTLEMENT_CHECK_EVERY_MS = 60 * 60_000;
const ALERTS_EVERY_MS = 60_000;
const IDEMPOTENCY_PURGE_EVERY_MS = 60 * 60_000;
/** how stale a payer's balance may be when a DEFERRED call is admitted against it */
const PAYER_BALANCE_TTL_MS = 2_000;

async function readPayerBalance(chains: ChainClientRegistry, key: string): Promise<bigint | null> {
  const [network = "", asset = "", payer = ""] = key.split("|");
  const client = chains.forNetwork(network)?.publicClient;
  if (!client) return null;
  return client.readContract({
    address: asset as Address,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [payer as Address],
  });
}

export type GatewayRuntimeOptions = {
  reconcileEveryMs?: number | null;
  webhooksEveryMs?: number | null;
  /** how often this process works the deferred settlement queue (null: never) */
  deferredEveryMs?: number | null;
  /** how often this process looks for batch-settlement calls due for a claim (null: never) */
  batchEveryMs?: number | null;
  /** how often this process checks that last month's settlement run happened (null: never) */
  settlementEveryMs?: number | null;
  deferredQueue?: DeferredQueueOptions;
  maxBodyBytes?: number;
  /** how often this process evaluates the alert rules (null: never) */
  alertsEveryMs?: number | null;
  idempotencyPurgeEveryMs?: number | null;
  /** the metrics to record into (default: built from METRICS_ENABLED / METRICS_MERCHANTS) */
  metrics?: Metrics;
  /** "in-process": this process's scheduler claims due jobs; "cron"/"off": only runDue() does (default BACKGROUND_JOBS) */
  backgroundJobs?: ServerEnv["BACKGROUND_JOBS"];
  /** how long a job claim lasts without renewal (a dead instance's jobs wait this long) */
  jobLeaseMs?: number;
  instanceId?: string;
};

function metricsFor(env: BaseDeps["env"]): Metrics {
  if (!env.METRICS_ENABLED) return DISABLED_METRICS;
  const allowList = (env.METRICS_MERCHANTS ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  return createMetrics({ merchantAllowList: allowList });
}

/** The background jobs this runtime schedules (claimed once across instances, server/jobs/scheduler.ts). */
function backgroundJobs(
  base: BaseDeps,
  parts: {
    chains: ChainClientRegistry;
    facilitators: Facilitators;
    metrics: Metrics;
    afterSettle: (paymentId: string) => Promise<void>;
  },
  opts: GatewayRuntimeOptions,
): JobDefinition[] {
  const { chains, facilitators, metrics } = parts;
  // the alert rules over the stored usage and this instance's RPC counters (server/alerts/)
  const alerts = createAlertEvaluator({
    db: base.db,
    log: base.log,
    now: base.now,
    rpcTotals: () => metrics.rpcTotals(),
  });
  const jobs: JobDefinition[] = [];
  const schedule = (
    everyMs: number | null | undefined,
    fallbackMs: number,
    name: string,
    run: () => Promise<unknown>,
  ) => {
    const every = everyMs === undefined ? fallbackMs : everyMs;
    if (every !== null) jobs.push({ name, everyMs: every, run });
  };
  schedule(opts.reconcileEveryMs, RECONCILE_EVERY_MS, "reconcile-payments", () =>
    reconcilePayments(
      { db: base.db, env: base.env, chains, log: base.log, now: base.now },
      { olderThanMs: RECONCILE_AFTER_MS },
    ),
  );
  schedule(opts.webhooksEveryMs, WEBHOOKS_EVERY_MS, "deliver-webhooks", () =>
    deliverDueWebhooks(base),
  );
  schedule(opts.deferredEveryMs, DEFERRED_EVERY_MS, "settle-deferred-payments", () =>
    settleDeferredPayments(
      {
        db: base.db,
        env: base.env,
        chains,
        facilitators,
        log: base.log,
        now: base.now,
        afterSettleHook: parts.afterSettle,
      },
      opts.deferredQueue,
    ),
  );
  // batch-settlement: accrued calls claimed and paid out in batches (server/payments/batch-settlement.ts)
  schedule(opts.batchEveryMs, BATCH_EVERY_MS, "settle-batch-payments", () =>
    settleBatches({
      db: base.db,
      env: base.env,
      chains,
      facilitators,
      log: base.log,
      now: base.now,
    }),
  );
  // the monthly settlement run: started on the 1st for the month before, resumed until it completes
  if (base.env.TREASURY_PRIVATE_KEY)
    schedule(opts.settlementEveryMs, SETTLEMENT_CHECK_EVERY_MS, "settlement-run", () =>
      runScheduledSettlement(billingDeps({ ...base, chains })),
    );
  schedule(opts.alertsEveryMs, ALERTS_EVERY_MS, "evaluate-alerts", () => alerts.run());
  // Idempotency-Key records hold sealed responses for a day; nothing else would ever delete them
  schedule(opts.idempotencyPurgeEveryMs, IDEMPOTENCY_PURGE_EVERY_MS, "purge-idempotency-keys", () =>
    purgeExpiredIdempotencyKeys(base),
  );
  return jobs;
}

/** The background jobs' scheduler, started here when this process runs them (BACKGROUND_JOBS). */
function startJobScheduler(
  base: BaseDeps,
  parts: Parameters<typeof backgroundJobs>[1],
  opts: GatewayRuntimeOptions,
) {
  const scheduler = createJobScheduler(
    { db: base.db, log: base.log, now: base.now },
    backgroundJobs(base, parts, opts),
    { leaseMs: opts.jobLeaseMs, instanceId: opts.instanceId },
  );
  if ((opts.backgroundJobs ?? base.env.BACKGROUND_JOBS) === "in-process") scheduler.start();
  return scheduler;
}

/** The queues' depth and oldest age, and the database pool's use, read at scrape time. */
function registerQueueMetrics(base: BaseDeps, metrics: Metrics, usage: UsageWriter): void {
  metrics.registerQueue("usage_writer", () => {
    const oldest = usage.oldestPending();
    return {
      depth: usage.pending(),
      oldestAgeSeconds: oldest ? Math.max(0, (base.now().getTime() - oldest.getTime()) / 1000) : 0,
    };
  });
  metrics.registerQueue("webhooks", () => readWebhookQueue(base.db, base.now()));
  metrics.registerQueue("deferred_settlements", () => readDeferredQueue(base.db, base.now()));
  if (base.dbPoolUse) metrics.registerDbPool(base.dbPoolUse);
}

export function buildGatewayRuntime(
  base: BaseDeps,
  opts: GatewayRuntimeOptions = {},
): GatewayRuntime {
  const networks = getNetworkRegistry(base.env);
  const metrics = opts.metrics ?? metricsFor(base.env);
  const chains = createChainClientRegistry(
    networks,
    facilitatorPrivateKeys(base.env),
    metrics.enabled ? { onRpc: (call) => metrics.rpcCall(call) } : {},
  );
  // the hosted facilitator's config can change at runtime (admin settings, sealed): reloaded on change
  const hostedConfig = createHostedConfigSource({ db: base.db, env: base.env, log: base.log });
  const facilitators = createFacilitators({
    env: base.env,
    chains,
    log: base.log,
    metrics,
    hostedConfig,
  });
  const merchants = createMerchantSnapshotCache(base.db, base.env);
  const blocklist = createBlocklistCache({ db: base.db, now: base.now });
  // the `offer-receipt` signing key, decrypted once and held (server/receipts/key-holder.ts)
  const receipts = createReceiptKeyHolder({ db: base.db, env: base.env, log: base.log });
  const usage = createUsageWriter({ db: base.db, log: base.log });
  const rateLimiter = createRateLimiter(base.env, base.log);
  registerQueueMetrics(base, metrics, usage);
  const payerBalances = createTtlCache<bigint | null>({
    ttlMs: PAYER_BALANCE_TTL_MS,
    // a payer calling steadily is never held up by the reload of its balance
    refreshAfterMs: PAYER_BALANCE_TTL_MS / 2,
    load: (key) => readPayerBalance(chains, key),
  });

  const scheduler = startJobScheduler(
    base,
    {
      chains,
      facilitators,
      metrics,
      afterSettle: (id) => runtime.afterSettleHook?.(id) ?? Promise.resolve(),
    },
    opts,
  );

  const runtime: GatewayRuntime = {
    db: base.db,
    env: base.env,
    log: base.log,
    accessLog: accessLogger(base.log),
    now: base.now,
    networks,
    metrics,
    chains,
    merchants,
    blocklist,
    receipts,
    facilitators,
    hostedConfig,
    rateLimiter,
    usage,
    payerBalances,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    jobs: scheduler,
    async close() {
      await scheduler.stop();
      merchants.dispose();
      blocklist.dispose();
      receipts.dispose();
      hostedConfig.dispose();
      await usage.close();
      await rateLimiter.close?.();
    },
  };
  return runtime;
}
