import { takeToken, type BucketState } from "./token-bucket";

/**
 * `remaining` and `resetSeconds` (until the bucket is full again) feed the public API's
 * RateLimit-* headers; a limiter that failed open leaves them out.
 */
export type RateLimitDecision = { allowed: true; remaining?: number; resetSeconds?: number } | { allowed: false; retryAfterSeconds: number };

/** Per-key rate limiting; in memory by default, shared through Redis when configured. */
export interface RateLimiter {
  take(key: string, limitPerMinute: number): Promise<RateLimitDecision>;
}

const MAX_KEYS = 100_000;

/** A per-process token bucket per key (one instance; use the Redis limiter for several). */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, BucketState>();
  return {
    take(key, limitPerMinute) {
      const result = takeToken(buckets.get(key), { capacity: limitPerMinute, windowMs: 60_000, nowMs: now() });
      // Map keeps insertion order: drop the oldest key when full so memory stays bounded
      if (!buckets.has(key) && buckets.size >= MAX_KEYS) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      buckets.set(key, result.state);
      return Promise.resolve(result.allowed ? { allowed: true, remaining: result.remaining, resetSeconds: Math.ceil(((limitPerMinute - result.state.tokens) * 60_000) / limitPerMinute / 1000) } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
    },
  };
}
