import { takeToken, takeTokens, type BucketState } from "./token-bucket";

/**
 * `remaining` and `resetSeconds` (until the bucket is full again) feed the public API's
 * RateLimit-* headers; a limiter that failed open leaves them out.
 */
export type RateLimitDecision = { allowed: true; remaining?: number; resetSeconds?: number } | { allowed: false; retryAfterSeconds: number };

/** Per-key rate limiting; in memory by default, shared through Redis when configured. */
export interface RateLimiter {
  /** Takes one of `limit` tokens that refill evenly over `windowMs` (default one minute). */
  take(key: string, limit: number, opts?: { windowMs?: number }): Promise<RateLimitDecision>;
  /**
   * Takes one token from each key's bucket, or from none (all-or-nothing: a request refused by one
   * limit does not use up the others). Each `limit` is per `windowMs` (default one minute).
   */
  takeAll(buckets: readonly { key: string; limit: number }[], opts?: { windowMs?: number }): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number; key: string }>;
  /** Refills a key's bucket (a successful sign-in clears its account's failed attempts). */
  reset(key: string): Promise<void>;
}

const MAX_KEYS = 100_000;

/** A per-process token bucket per key (one instance; use the Redis limiter for several). */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, BucketState>();
  return {
    take(key, limit, opts) {
      const windowMs = opts?.windowMs ?? 60_000;
      const result = takeToken(buckets.get(key), { capacity: limit, windowMs, nowMs: now() });
      // Map keeps insertion order: drop the oldest key when full so memory stays bounded
      if (!buckets.has(key) && buckets.size >= MAX_KEYS) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      buckets.set(key, result.state);
      return Promise.resolve(result.allowed ? { allowed: true, remaining: result.remaining, resetSeconds: Math.ceil(((limit - result.state.tokens) * windowMs) / limit / 1000) } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
    },
    takeAll(entries, opts) {
      const windowMs = opts?.windowMs ?? 60_000;
      const result = takeTokens(
        entries.map((e) => buckets.get(e.key)),
        entries.map((e) => ({ capacity: e.limit, windowMs })),
        now(),
      );
      for (let i = 0; i < entries.length; i++) {
        const key = entries[i]!.key;
        if (!buckets.has(key) && buckets.size >= MAX_KEYS) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        buckets.set(key, result.states[i]!);
      }
      if (result.allowed) return Promise.resolve({ allowed: true as const });
      const refusing = entries.find((_e, i) => (result.states[i]?.tokens ?? 0) < 1);
      return Promise.resolve({ allowed: false as const, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)), key: refusing?.key ?? "" });
    },
    reset(key) {
      buckets.delete(key);
      return Promise.resolve();
    },
  };
}
