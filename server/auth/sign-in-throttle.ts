import { createHash } from "node:crypto";

import type { ServerEnv } from "@/server/env";
import type { Log } from "@/server/observability/logger";
import type { RateLimiter } from "@/server/rate-limit/limiter";

// Sign-in attempts are counted per client IP and per account (an email or a wallet address), in
// the same token buckets as the other rate limits (shared through Redis when REDIS_URL is set).
// Every attempt takes a token before any password is hashed, so guessing costs the attacker too.
// A successful sign-in refills its account's bucket (the owner is not locked out by their own typos)
// but not its IP's: otherwise an attacker holding one real account could reset their IP's budget
// between guesses at others.

export const SIGN_IN_WINDOW_MS = 15 * 60_000;

export type SignInThrottleDeps = {
  signInLimiter: RateLimiter;
  log: Log;
  env: Pick<ServerEnv, "SIGN_IN_MAX_PER_ACCOUNT" | "SIGN_IN_MAX_PER_IP">;
};

export type SignInAttempt = { method: "password" | "ethereum"; account: string; ip: string | null };

export type ThrottleDecision =
  { allowed: true } | { allowed: false; scope: "ip" | "account"; retryAfterSeconds: number };

// hashed: rate-limit keys (in Redis) should not be a list of who tried to sign in
function accountKey(attempt: Pick<SignInAttempt, "method" | "account">): string {
  const digest = createHash("sha256")
    .update(attempt.account.trim().toLowerCase())
    .digest("hex")
    .slice(0, 32);
  return `signin:account:${attempt.method}:${digest}`;
}

/** Counts one attempt against its IP and its account; refuses when either is spent. */
export async function takeSignInAttempt(
  deps: SignInThrottleDeps,
  attempt: SignInAttempt,
): Promise<ThrottleDecision> {
  const window = { windowMs: SIGN_IN_WINDOW_MS };
  if (attempt.ip) {
    const byIp = await deps.signInLimiter.take(
      `signin:ip:${attempt.ip}`,
      deps.env.SIGN_IN_MAX_PER_IP,
      window,
    );
    if (!byIp.allowed) return refused(deps, attempt, "ip", byIp.retryAfterSeconds);
  }
  const byAccount = await deps.signInLimiter.take(
    accountKey(attempt),
    deps.env.SIGN_IN_MAX_PER_ACCOUNT,
    window,
  );
  if (!byAccount.allowed) return refused(deps, attempt, "account", byAccount.retryAfterSeconds);
  return { allowed: true };
}

/** After a successful sign-in: the account's failed attempts are forgotten (its IP's are not). */
export async function clearAccountAttempts(
  deps: SignInThrottleDeps,
  attempt: Pick<SignInAttempt, "method" | "account">,
): Promise<void> {
  await deps.signInLimiter.reset(accountKey(attempt));
}

function refused(
  deps: SignInThrottleDeps,
  attempt: SignInAttempt,
  scope: "ip" | "account",
  retryAfterSeconds: number,
): ThrottleDecision {
  deps.log.warn(
    { method: attempt.method, scope, ip: attempt.ip, retryAfterSeconds },
    "sign-in throttled",
  );
  return { allowed: false, scope, retryAfterSeconds };
}
