import type { ChainClientRegistry } from "@/server/chain/clients";
import { getDbHandle } from "@/server/db/client";
import type { PrismaClient } from "@/server/db";
import type { ServerEnv } from "@/server/env";
import { bufferedStdout, createLogger, type Log } from "@/server/observability/logger";
import type { Metrics } from "@/server/observability/metrics";
import type { RateLimiter } from "@/server/rate-limit/limiter";

// What domain functions take (STYLE 2.3). The process's runtime (server/runtime.ts) fills every
// slot once; tests build theirs with testDeps; commands that need only the database and the
// environment use createBaseDeps. So the same function runs on the app's client, inside a
// transaction, or on a test database.

/** The gateway as a function, for the console's test call. */
export type GatewayCall = (
  req: Request,
  merchantId: string,
  opts?: { trace?: (sent: { url: string; headers: [string, string][] }) => void },
) => Promise<Response>;

export type BaseDeps = {
  db: PrismaClient;
  env: ServerEnv;
  log: Log;
  now: () => Date;
  /** the database pool's use, for the metrics (absent: the embedded database has no pool) */
  dbPoolUse?: () => { total: number; idle: number; waiting: number; max: number } | null;
};

export type Deps = BaseDeps & {
  /** chain clients, built once per runtime (server/chain/clients.ts) */
  chains: ChainClientRegistry;
  /** the metrics registry (no-op when METRICS_ENABLED is off) */
  metrics: Metrics;
  /** sign-in and sign-up attempt buckets (server/auth/); the runtime's one rate limiter, Redis-backed when REDIS_URL is set */
  signInLimiter: RateLimiter;
  gateway: GatewayCall;
};

/** The database, logger and clock for `env` (the runtime's base, and what commands use on their own). */
export function createBaseDeps(env: ServerEnv): BaseDeps {
  const handle = getDbHandle();
  return {
    db: handle.db,
    dbPoolUse: handle.poolUse,
    env,
    log: createLogger({ level: env.LOG_LEVEL, destination: bufferedStdout() }),
    now: () => new Date(),
  };
}
