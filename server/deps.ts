import { ensureRedisInvalidation } from "@/server/cache/redis-invalidation";
import type { ChainClientRegistry } from "@/server/chain/clients";
import { getEnv, type ServerEnv } from "@/server/env";
import { getDbHandle } from "@/server/db/client";
import type { PrismaClient } from "@/server/db";
import { bufferedStdout, createLogger, type Log } from "@/server/observability/logger";
import type { Metrics } from "@/server/observability/metrics";
import type { RateLimiter } from "@/server/rate-limit/limiter";

// Composition root (STYLE 2.3): the only place that reads env to build clients. Domain functions
// receive what they need as `deps`, so the same function runs on the app's client, inside a
// transaction, or on a test database.

export type Deps = {
  db: PrismaClient;
  env: ServerEnv;
  log: Log;
  now: () => Date;
  /** chain clients (tests pass their own; the app builds them from env on first use, see billingDeps) */
  chains?: ChainClientRegistry;
  /** the metrics registry the admin operations view reads (defaults to this process's gateway's) */
  metrics?: Metrics;
  /** the database pool's use, for the metrics (absent or null: no pool) */
  dbPoolUse?: () => { total: number; idle: number; waiting: number; max: number } | null;
  /** the gateway as a function, for the console's test call (defaults to this process's gateway) */
  /** sign-in and sign-up attempt buckets (server/auth/); Redis-backed when REDIS_URL is set */
  signInLimiter?: RateLimiter;
  gateway?: (req: Request, merchantId: string, opts?: { trace?: (sent: { url: string; headers: [string, string][] }) => void }) => Promise<Response>;
};

const globalForDeps = globalThis as unknown as { x402Deps?: Deps };

/** The process-wide dependencies, built on first use (never at import time, so builds stay offline). */
export function getDeps(): Deps {
  if (!globalForDeps.x402Deps) {
    const env = getEnv();
    const handle = getDbHandle();
    globalForDeps.x402Deps = {
      db: handle.db,
      dbPoolUse: handle.poolUse,
      env,
      log: createLogger({ level: env.LOG_LEVEL, destination: bufferedStdout() }),
      now: () => new Date(),
    };
    ensureRedisInvalidation(env, globalForDeps.x402Deps.log);
  }
  return globalForDeps.x402Deps;
}
