import { createChainClientRegistry, type ChainClientRegistry } from "@/server/chain/clients";
import { getDeps, type Deps } from "@/server/deps";
import { createFacilitators, type Facilitators } from "@/server/facilitator";
import { getNetworkRegistry } from "@/server/networks/config";
import { reconcilePayments } from "@/server/payments/reconcile";
import { createUsageWriter } from "@/server/payments/usage-writer";
import { createRateLimiter } from "@/server/rate-limit/create-rate-limiter";
import { deliverDueWebhooks } from "@/server/webhooks/deliver";

import type { GatewayDeps } from "./handle-request";
import { createMerchantSnapshotCache } from "./merchant-snapshot";

// Builds the gateway's long-lived parts once per process: chain clients, facilitators, the merchant
// cache, the rate limiter, the batched access-log writer, and the reconciler's timer.

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Payments untouched for this long are examined by the reconciler (longer than any request). */
export const RECONCILE_AFTER_MS = 5 * 60_000;
const RECONCILE_EVERY_MS = 60_000;

export type GatewayRuntime = GatewayDeps & {
  chains: ChainClientRegistry;
  facilitators: Facilitators;
  close(): Promise<void>;
};

const WEBHOOKS_EVERY_MS = 2_000;

export function buildGatewayRuntime(base: Deps, opts: { reconcileEveryMs?: number | null; webhooksEveryMs?: number | null; maxBodyBytes?: number } = {}): GatewayRuntime {
  const networks = getNetworkRegistry(base.env);
  const chains = createChainClientRegistry(networks, base.env.FACILITATOR_PRIVATE_KEY as `0x${string}` | undefined);
  const facilitators = createFacilitators({ env: base.env, chains, log: base.log });
  const merchants = createMerchantSnapshotCache(base.db, base.env.ENCRYPTION_KEY);
  const usage = createUsageWriter({ db: base.db, log: base.log });
  const rateLimiter = createRateLimiter(base.env, base.log);

  const reconcile = () =>
    reconcilePayments({ db: base.db, chains, log: base.log, now: base.now }, { olderThanMs: RECONCILE_AFTER_MS }).catch((err: unknown) =>
      base.log.error({ err }, "reconciler run failed"),
    );
  const every = opts.reconcileEveryMs === undefined ? RECONCILE_EVERY_MS : opts.reconcileEveryMs;
  let timer: NodeJS.Timeout | null = null;
  if (every !== null) {
    void reconcile();
    timer = setInterval(() => void reconcile(), every);
    timer.unref();
  }

  // queued webhook deliveries go out from every instance (each delivery is leased before sending)
  const webhooksEvery = opts.webhooksEveryMs === undefined ? WEBHOOKS_EVERY_MS : opts.webhooksEveryMs;
  let webhookTimer: NodeJS.Timeout | null = null;
  let delivering = false;
  if (webhooksEvery !== null) {
    webhookTimer = setInterval(() => {
      if (delivering) return;
      delivering = true;
      deliverDueWebhooks(base)
        .catch((err: unknown) => base.log.error({ err }, "webhook delivery run failed"))
        .finally(() => {
          delivering = false;
        });
    }, webhooksEvery);
    webhookTimer.unref();
  }

  return {
    db: base.db,
    env: base.env,
    log: base.log,
    now: base.now,
    networks,
    chains,
    merchants,
    facilitators,
    rateLimiter,
    usage,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    async close() {
      if (timer) clearInterval(timer);
      if (webhookTimer) clearInterval(webhookTimer);
      merchants.dispose();
      await usage.close();
      await rateLimiter.close?.();
    },
  };
}

const globalForGateway = globalThis as unknown as { x402Gateway?: GatewayRuntime };

/** The process-wide gateway runtime, built on the first gateway request. */
export function getGatewayDeps(): GatewayRuntime {
  globalForGateway.x402Gateway ??= buildGatewayRuntime(getDeps());
  return globalForGateway.x402Gateway;
}
