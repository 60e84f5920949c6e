import type { ChainClientRegistry } from "@/server/chain/clients";
import { getEnv, type ServerEnv } from "@/server/env";
import { getDb, type PrismaClient } from "@/server/db";
import { createLogger, type Log } from "@/server/observability/logger";

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
  /** the gateway as a function, for the console's test call (defaults to this process's gateway) */
  gateway?: (req: Request, merchantId: string, opts?: { trace?: (sent: { url: string; headers: [string, string][] }) => void }) => Promise<Response>;
};

const globalForDeps = globalThis as unknown as { x402Deps?: Deps };

/** The process-wide dependencies, built on first use (never at import time, so builds stay offline). */
export function getDeps(): Deps {
  if (!globalForDeps.x402Deps) {
    const env = getEnv();
    globalForDeps.x402Deps = {
      db: getDb(),
      env,
      log: createLogger({ level: env.LOG_LEVEL }),
      now: () => new Date(),
    };
  }
  return globalForDeps.x402Deps;
}
