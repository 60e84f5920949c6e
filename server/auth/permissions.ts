// Merchant roles → allowed actions in one table (dub's rbac). Pure; see permissions.test.ts.

export const MERCHANT_ROLES = ["OWNER", "ADMIN", "DEVELOPER"] as const;
export type MerchantRoleName = (typeof MERCHANT_ROLES)[number];

export const MERCHANT_ACTIONS = [
  "merchant.read",
  "merchant.update",
  // where the merchant's money goes: OWNER only, after a fresh sign-in, never an API key (PAYOUT_REAUTH_MS)
  "payout.update",
  // the DEFERRED settlement switch and per-payer cap (credit the merchant extends to payers)
  "settlement.update",
  "pricing.write",
  "upstream.write",
  "apiKeys.write",
  "testCall.run",
  "webhooks.write",
  "team.manage",
  "refunds.create",
  // the merchant's audit log: who changed what (OWNER only, like the team)
  "audit.read",
] as const;
export type MerchantAction = (typeof MERCHANT_ACTIONS)[number];

const ROLE_ACTIONS: Record<MerchantRoleName, readonly MerchantAction[]> = {
  OWNER: MERCHANT_ACTIONS,
  // ADMIN may change pricing and settlement terms, but not the payout wallet, the team or refunds
  ADMIN: [
    "merchant.read",
    "merchant.update",
    "settlement.update",
    "pricing.write",
    "upstream.write",
    "apiKeys.write",
    "testCall.run",
    "webhooks.write",
  ],
  // DEVELOPER manages keys and tests routes; reads everything else
  DEVELOPER: ["merchant.read", "apiKeys.write", "testCall.run"],
};

/** Whether a merchant role may perform an action. */
export function can(role: MerchantRoleName, action: MerchantAction): boolean {
  return ROLE_ACTIONS[role].includes(action);
}

/**
 * How recent a sign-in must be to change the payout address: a stolen or forgotten session (a
 * shared machine, a token lifted from a browser) is then not enough to redirect the money.
 */
export const PAYOUT_REAUTH_MS = 10 * 60_000;

/** What a stale session is told (the console offers the re-authentication link when it sees it). */
export const PAYOUT_REAUTH_MESSAGE =
  "Sign in again to change the payout address: it needs a sign-in from the last 10 minutes";

/** Whether a session signed in at `signedInAt` (ms; null for tokens from before the claim) is fresh at `now`. */
export function isFreshSignIn(signedInAt: number | null, now: Date): boolean {
  return (
    signedInAt !== null &&
    now.getTime() - signedInAt <= PAYOUT_REAUTH_MS &&
    signedInAt <= now.getTime() + 60_000
  );
}
