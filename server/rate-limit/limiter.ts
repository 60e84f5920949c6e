import { takeToken, type BucketState } from "./token-bucket";

/**
 * `remaining` and `resetSeconds` (until the bucket is full again) feed the public API's
 * RateLimit-* headers; a limiter that failed open leaves them out.
 */
export type RateLimitDecision =
  | { allowed: true; remaining?: number; resetSeconds?: number }
  | { allowed: false; retryAfterSeconds: number };

/** Per-key rate limiting; in memory by default, shared through Redis when configured. */
export interface RateLimiter {
  /** Takes one of `limit` tokens that refill evenly over `windowMs` (default one minute). */
  take(key: string, limit: number, opts?: { windowMs?: number }): Promise<RateLimitDecision>;
  /**
   * Takes one token from each key's bucket, or from none (all-or-nothing: a request refused by one
   * limit does not use up the others). Each `limit` is per `windowMs` (default one minute).
   */
  takeAll(
    buckets: readonly { key: string; limit: number }[],
    opts?: { windowMs?: number },
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number; key: string }>;
  /** Refills a key's bucket (a successful sign-in clears its account's failed attempts). */
  reset(key: string): Promise<void>;
}

const MAX_KEYS = 100_000;

const ALLOWED = Promise.resolve({ allowed: true as const });

/** A bucket's tokens now (takeToken's refill, without allocating a new state). */
function refill(
  state: BucketState | undefined,
  capacity: number,
  windowMs: number,
  nowMs: number,
): number {
  if (!state) return capacity;
  return Math.min(
    capacity,
    state.tokens + (Math.max(0, nowMs - state.updatedAtMs) * capacity) / windowMs,
  );
}

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
      return Promise.resolve(
        result.allowed
          ? {
              allowed: true,
              remaining: result.remaining,
              resetSeconds: Math.ceil(((limit - result.state.tokens) * windowMs) / limit / 1000),
            }
          : {
              allowed: false,
              retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
            },
      );
    },
    takeAll(entries, opts) {
      // the gateway's hot path: two or three buckets per request, so no intermediate arrays
      const windowMs = opts?.windowMs ?? 60_000;
      const nowMs = now();
      let retryAfterMs = 0;
      let refusing = "";
      for (const entry of entries) {
        const state = buckets.get(entry.key);
        const tokens = refill(state, entry.limit, windowMs, nowMs);
        if (tokens < 1) {
          const wait = Math.ceil(((1 - tokens) * windowMs) / entry.limit);
          if (wait > retryAfterMs) [retryAfterMs, refusing] = [wait, entry.key];
        }
      }
      const take = retryAfterMs === 0 ? 1 : 0;
      for (const entry of entries) {
        const state = buckets.get(entry.key);
        const tokens = refill(state, entry.limit, windowMs, nowMs) - take;
        if (state) {
          state.tokens = tokens;
          state.updatedAtMs = nowMs;
          continue;
        }
        // Map keeps insertion order: drop the oldest key when full so memory stays bounded
        if (buckets.size >= MAX_KEYS) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        buckets.set(entry.key, { tokens, updatedAtMs: nowMs });
      }
      return take === 1
        ? ALLOWED
        : Promise.resolve({
            allowed: false as const,
            retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
            key: refusing,
          });
    },
    reset(key) {
      buckets.delete(key);
      return Promise.resolve();
    },
  };
}
