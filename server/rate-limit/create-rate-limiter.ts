import type { ServerEnv } from "@/server/env";
import type { Log } from "@/server/observability/logger";

import { createMemoryRateLimiter, type RateLimiter } from "./limiter";
import { createRedisRateLimiter } from "./redis-limiter";

/** Redis-backed (shared by all instances) when REDIS_URL is set, per-process memory otherwise. */
export function createRateLimiter(
  env: Pick<ServerEnv, "REDIS_URL" | "REDIS_KEY_PREFIX">,
  log: Log,
): RateLimiter & { close?: () => Promise<void> } {
  return env.REDIS_URL
    ? createRedisRateLimiter(env.REDIS_URL, { log, keyPrefix: `${env.REDIS_KEY_PREFIX}rl:` })
    : createMemoryRateLimiter();
}
