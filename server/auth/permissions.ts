// Merchant roles → allowed actions in one table (dub's rbac). Pure; see permissions.test.ts.

export const MERCHANT_ROLES = ["OWNER", "ADMIN", "DEVELOPER"] as const;
export type MerchantRoleName = (typeof MERCHANT_ROLES)[number];

export const MERCHANT_ACTIONS = [
  "merchant.read",
  "merchant.update",
  "payout.update",
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
  // ADMIN may change the payout wallet and pricing, but not the team or refunds
  ADMIN: [
    "merchant.read",
    "merchant.update",
    "payout.update",
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
