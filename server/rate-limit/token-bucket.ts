// A token bucket: `capacity` tokens, refilled continuously at capacity per `windowMs`. Pure: the
// caller passes the clock.

export type BucketState = { tokens: number; updatedAtMs: number };

export type TakeResult =
  | { allowed: true; remaining: number; state: BucketState }
  | { allowed: false; retryAfterMs: number; state: BucketState };

/** Takes one token from the bucket, refilling it for the time elapsed since its last update. */
export function takeToken(
  state: BucketState | undefined,
  opts: { capacity: number; windowMs: number; nowMs: number },
): TakeResult {
  const ratePerMs = opts.capacity / opts.windowMs;
  const previous = state ?? { tokens: opts.capacity, updatedAtMs: opts.nowMs };
  const elapsed = Math.max(0, opts.nowMs - previous.updatedAtMs);
  const tokens = Math.min(opts.capacity, previous.tokens + elapsed * ratePerMs);
  if (tokens >= 1) {
    return {
      allowed: true,
      remaining: Math.floor(tokens - 1),
      state: { tokens: tokens - 1, updatedAtMs: opts.nowMs },
    };
  }
  return {
    allowed: false,
    retryAfterMs: Math.ceil((1 - tokens) / ratePerMs),
    state: { tokens, updatedAtMs: opts.nowMs },
  };
}
