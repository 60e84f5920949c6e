import { createHash } from "node:crypto";

import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import type { RateLimiter } from "@/server/rate-limit/limiter";
import type { SignUpInput } from "@/server/users/schemas";
import { signUpWithPassword } from "@/server/users/users";

// Sign-up without email sending. A new account signs in at once, so sign-up alone can never be
// made indistinguishable from "this email is taken" (an attacker who registers and then cannot
// sign in has learned it). What we can do: the sign-up answer itself is the same for a new and a
// taken email (same body, status and work: the password is hashed either way, and nothing about
// the existing account changes), and both sign-up and the sign-in that follows it are throttled
// per client IP and per email, so probing accounts costs as much as guessing passwords.

export const SIGN_UP_WINDOW_MS = 60 * 60_000;

export type SignUpDeps = Pick<Deps, "db" | "env" | "log"> & { signInLimiter: RateLimiter };

/** What every accepted sign-up answers; the client then signs in with the same credentials. */
export type SignUpReceipt = { accepted: true };

function emailKey(email: string): string {
  return `signup:account:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32)}`;
}

async function takeSignUpAttempt(
  deps: SignUpDeps,
  email: string,
  ip: string | null,
): Promise<void> {
  const window = { windowMs: SIGN_UP_WINDOW_MS };
  const decisions = [
    ...(ip
      ? [await deps.signInLimiter.take(`signup:ip:${ip}`, deps.env.SIGN_UP_MAX_PER_IP, window)]
      : []),
    await deps.signInLimiter.take(emailKey(email), deps.env.SIGN_IN_MAX_PER_ACCOUNT, window),
  ];
  const refused = decisions.find((d) => !d.allowed);
  if (refused && !refused.allowed) {
    deps.log.warn({ ip, retryAfterSeconds: refused.retryAfterSeconds }, "sign-up throttled");
    throw new AppError(
      "rate_limited",
      "Too many sign-ups from your network. Wait a while, then try again.",
      {
        details: { retryAfterSeconds: refused.retryAfterSeconds },
      },
    );
  }
}

/** Creates the account when the email is new; answers the same when it is taken (see above). */
export async function signUpAttempt(
  deps: SignUpDeps,
  input: SignUpInput,
  ip: string | null,
): Promise<SignUpReceipt> {
  await takeSignUpAttempt(deps, input.email, ip);
  try {
    await signUpWithPassword(deps, input);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "conflict")) throw err;
    deps.log.info({ ip }, "sign-up for an email that already has an account");
  }
  return { accepted: true };
}
