import { z } from "zod";

import { can, type MerchantAction, type MerchantRoleName } from "@/server/auth/permissions";

// What an API key may do, as a table like the roles' (server/auth/permissions.ts). Pure; see
// scopes.test.ts. A key acts as its merchant on the public API with the actions its scopes grant,
// and `gateway:owner` alone lets it call the merchant's own gateway URL without paying.

export const API_KEY_SCOPES = ["read", "write", "keys:manage", "gateway:owner"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);

/** Keys made before scopes existed, and the console's default: the owner call at the gateway. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ["gateway:owner"];

export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  read: "Read the merchant's settings, rules, keys, payments, webhooks and entitlements",
  write:
    "Everything `read` allows, plus change the name, routing, pricing rules and webhooks (never the payout address)",
  "keys:manage": "Everything `read` allows, plus create and revoke API keys",
  "gateway:owner": "Call the merchant's own gateway URL without paying (recorded as OWNER usage)",
};

const SCOPE_ACTIONS: Record<ApiKeyScope, readonly MerchantAction[]> = {
  read: ["merchant.read"],
  // writing needs reading back what was written; team, refunds and the payout address stay with
  // people in the console: a leaked key must not be able to redirect the merchant's money
  write: [
    "merchant.read",
    "merchant.update",
    "pricing.write",
    "upstream.write",
    "testCall.run",
    "webhooks.write",
  ],
  "keys:manage": ["merchant.read", "apiKeys.write"],
  "gateway:owner": [],
};

/** Whether a key with `scopes` may perform `action` on its merchant through the API. */
export function scopesAllow(scopes: readonly string[], action: MerchantAction): boolean {
  return scopes.some(
    (s) =>
      apiKeyScopeSchema.safeParse(s).success && SCOPE_ACTIONS[s as ApiKeyScope].includes(action),
  );
}

/** Whether a key may be served without payment at its merchant's gateway. */
export function scopesAllowOwnerCalls(scopes: readonly string[]): boolean {
  return scopes.includes("gateway:owner");
}

/** What a person or key must itself be allowed to do to hand out a scope (gateway:owner: free calls, like a test call). */
const SCOPE_REQUIRES: Record<ApiKeyScope, readonly MerchantAction[]> = {
  ...SCOPE_ACTIONS,
  "gateway:owner": ["testCall.run"],
};

/** Who creates a key: a member with a role, or a key with scopes (keys:manage). */
export type KeyGrantor =
  { kind: "role"; role: MerchantRoleName } | { kind: "scopes"; scopes: readonly string[] };

/**
 * The requested scopes the grantor may not hand out: a key never does more than its creator could.
 * A key grants `gateway:owner` only when it holds it itself.
 */
export function scopesBeyondGrantor(grantor: KeyGrantor, requested: readonly string[]): string[] {
  return requested.filter((scope) => {
    if (!apiKeyScopeSchema.safeParse(scope).success) return true;
    const s = scope as ApiKeyScope;
    if (grantor.kind === "role")
      return !SCOPE_REQUIRES[s].every((action) => can(grantor.role, action));
    if (s === "gateway:owner") return !grantor.scopes.includes("gateway:owner");
    return !SCOPE_ACTIONS[s].every((action) => scopesAllow(grantor.scopes, action));
  });
}
