import { getDeps } from "@/server/deps";
import { createRateLimiter } from "@/server/rate-limit/create-rate-limiter";

import type { PublicApiDeps } from "./handler";

const globalForApi = globalThis as unknown as { x402PublicApi?: PublicApiDeps };

/** The process-wide public API dependencies: the app's deps plus a per-key rate limiter (Redis when REDIS_URL is set). */
export function getPublicApiDeps(): PublicApiDeps {
  if (!globalForApi.x402PublicApi) {
    const deps = getDeps();
    globalForApi.x402PublicApi = { ...deps, rateLimiter: createRateLimiter(deps.env, deps.log) };
  }
  return globalForApi.x402PublicApi;
}
