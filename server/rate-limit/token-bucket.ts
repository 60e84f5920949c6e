// A token bucket: `capacity` tokens, refilled continuously at capacity per `windowMs`. Pure: the
// caller passes the clock.

export type BucketState = { tokens: number; updatedAtMs: number };

export type TakeResult = { allowed: true; remaining: number; state: BucketState } | { allowed: false; retryAfterMs: number; state: BucketState };

/** Takes one token from the bucket, refilling it for the time elapsed since its last update. */
export function takeToken(state: BucketState | undefined, opts: { capacity: number; windowMs: number; nowMs: number }): TakeResult {
  const ratePerMs = opts.capacity / opts.windowMs;
  const previous = state ?? { tokens: opts.capacity, updatedAtMs: opts.nowMs };
  const elapsed = Math.max(0, opts.nowMs - previous.updatedAtMs);
  const tokens = Math.min(opts.capacity, previous.tokens + elapsed * ratePerMs);
  if (tokens >= 1) {
    return { allowed: true, remaining: Math.floor(tokens - 1), state: { tokens: tokens - 1, updatedAtMs: opts.nowMs } };
  }
  return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / ratePerMs), state: { tokens, updatedAtMs: opts.nowMs } };
}

/**
 * Takes one token from every bucket, or from none: a request must fit all of its limits (client
 * and merchant), and one a limit refuses must not use up the others. `retryAfterMs` is the wait
 * until every refusing bucket has a token.
 */
export function takeTokens(
  states: (BucketState | undefined)[],
  opts: { capacity: number; windowMs: number }[],
  nowMs: number,
): { allowed: boolean; retryAfterMs: number; states: BucketState[] } {
  const refilled: BucketState[] = [];
  let retryAfterMs = 0;
  for (let i = 0; i < opts.length; i++) {
    const { capacity, windowMs } = opts[i]!;
    const ratePerMs = capacity / windowMs;
    const previous = states[i] ?? { tokens: capacity, updatedAtMs: nowMs };
    const tokens = Math.min(capacity, previous.tokens + Math.max(0, nowMs - previous.updatedAtMs) * ratePerMs);
    if (tokens < 1) retryAfterMs = Math.max(retryAfterMs, Math.ceil((1 - tokens) / ratePerMs));
    refilled.push({ tokens, updatedAtMs: nowMs });
  }
  if (retryAfterMs > 0) return { allowed: false, retryAfterMs, states: refilled };
  return { allowed: true, retryAfterMs: 0, states: refilled.map((s) => ({ tokens: s.tokens - 1, updatedAtMs: s.updatedAtMs })) };
}
