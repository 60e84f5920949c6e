import { parseSiweMessage } from "viem/siwe";

import type { Deps } from "@/server/deps";
import type { SignInInput } from "@/server/users/schemas";
import { authenticateWithPassword, signInWithWallet, type SessionUser } from "@/server/users/users";

import { verifySiweSignIn } from "./siwe";
import {
  clearAccountAttempts,
  takeSignInAttempt,
  type SignInAttempt,
  type SignInThrottleDeps,
} from "./sign-in-throttle";

// The two ways to sign in, as next-auth's credentials providers call them: throttle, check, and on
// success forget the account's failed attempts.

export type SignInDeps = Pick<Deps, "db" | "env" | "log" | "now"> & SignInThrottleDeps;

export type SignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: string };

async function attempt(
  deps: SignInDeps,
  who: SignInAttempt,
  check: () => Promise<SignInOutcome>,
): Promise<SignInOutcome> {
  const throttle = await takeSignInAttempt(deps, who);
  if (!throttle.allowed)
    return { ok: false, reason: "throttled", retryAfterSeconds: throttle.retryAfterSeconds };
  const outcome = await check();
  if (outcome.ok) await clearAccountAttempts(deps, who);
  else deps.log.info({ method: who.method, reason: outcome.reason, ip: who.ip }, "sign-in refused");
  return outcome;
}

/** Email + password. */
export function signInWithPasswordAttempt(
  deps: SignInDeps,
  input: SignInInput,
  ip: string | null,
): Promise<SignInOutcome> {
  return attempt(deps, { method: "password", account: input.email, ip }, () =>
    authenticateWithPassword(deps, input),
  );
}

/** Sign-In with Ethereum: `expectedNonce` is the CSRF token next-auth issued to this browser. */
export function signInWithEthereumAttempt(
  deps: SignInDeps,
  input: { message: string; signature: `0x${string}`; expectedNonce: string },
  ip: string | null,
): Promise<SignInOutcome> {
  // the claimed address is the account; an unparsable message still costs its IP an attempt
  let claimed = "unparsable";
  try {
    claimed = parseSiweMessage(input.message).address ?? claimed;
  } catch {
    // verifySiweSignIn refuses it below
  }
  return attempt(deps, { method: "ethereum", account: claimed, ip }, async () => {
    const verification = await verifySiweSignIn({
      message: input.message,
      signature: input.signature,
      expectedDomain: new URL(deps.env.APP_URL).host,
      expectedNonce: input.expectedNonce,
      now: deps.now(),
    });
    if (!verification.ok) return verification;
    return signInWithWallet(deps, verification.address);
  });
}
