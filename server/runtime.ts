import { startRedisInvalidation } from "@/server/cache/redis-invalidation";
import { hasRemoteInvalidation } from "@/server/cache/invalidation";
import { createBaseDeps, type BaseDeps, type Deps } from "@/server/deps";
import { getEnv, type ServerEnv } from "@/server/env";
import type { FacilitatorApiDeps } from "@/server/facilitator/http-api";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import {
  buildGatewayRuntime,
  type GatewayRuntime,
  type GatewayRuntimeOptions,
} from "@/server/gateway/runtime";
import type { JobScheduler } from "@/server/jobs/scheduler";
import type { Metrics } from "@/server/observability/metrics";
import { processSingleton } from "@/server/process-global";
import type { PublicApiDeps } from "@/server/public-api/handler";

// One runtime per process: the database, logger and clock, the chain clients (built once), the
// facilitators, the rate limiter (one, for the gateway, the public API and sign-in), the metrics,
// the gateway's long-lived parts, the background jobs and the cross-instance cache invalidation.
// Route handlers, tRPC, cron and the facilitator API take what they need from it; close() stops it.

export type Runtime = {
  env: ServerEnv;
  /** what tRPC procedures, pages and domain functions receive */
  deps: Deps;
  /** what the gateway's request path reads (handleGatewayRequest / handleGatewayNode) */
  gateway: GatewayRuntime;
  /** the REST API at /api/v1 */
  publicApi: PublicApiDeps;
  /** our standard facilitator API at /api/facilitator/* */
  facilitatorApi: FacilitatorApiDeps;
  /** the background jobs; the cron route calls jobs.runDue() */
  jobs: JobScheduler;
  metrics: Metrics;
  close(): Promise<void>;
};

export type RuntimeOptions = GatewayRuntimeOptions & {
  /** database, logger and clock (default: built from env, the process's database handle) */
  base?: BaseDeps;
};

export function createRuntime(env: ServerEnv, opts: RuntimeOptions = {}): Runtime {
  const { base: given, ...gatewayOptions } = opts;
  const base = given ?? createBaseDeps(env);
  const gateway = buildGatewayRuntime({ ...base, env }, gatewayOptions);
  // other instances hear of configuration changes over Redis (server/cache/redis-invalidation.ts)
  const invalidation =
    env.REDIS_URL && !hasRemoteInvalidation()
      ? startRedisInvalidation(env.REDIS_URL, { log: base.log, keyPrefix: env.REDIS_KEY_PREFIX })
      : null;
  const deps: Deps = {
    ...base,
    env,
    chains: gateway.chains,
    metrics: gateway.metrics,
    signInLimiter: gateway.rateLimiter,
    gateway: (req, merchantId, call) =>
      handleGatewayRequest(gateway, req, { merchantId, trace: call?.trace }),
  };
  return {
    env,
    deps,
    gateway,
    publicApi: { ...deps, rateLimiter: gateway.rateLimiter },
    facilitatorApi: {
      ...deps,
      networks: gateway.networks,
      rateLimiter: gateway.rateLimiter,
      facilitator: gateway.facilitators.local,
    },
    jobs: gateway.jobs,
    metrics: gateway.metrics,
    async close() {
      await gateway.close();
      await invalidation?.close();
    },
  };
}

/**
 * This process's runtime, built on first use (never at import time, so builds stay offline). The
 * process-wide slot is needed because Next loads this module in several bundles of one process
 * (server/process-global.ts).
 */
export function getRuntime(): Runtime {
  return processSingleton("runtime", () => createRuntime(getEnv()));
}
