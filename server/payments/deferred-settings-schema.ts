import { z } from "zod";

// The form of the merchant's DEFERRED settlement settings, shared by the procedure and the console.
// The cap is kept in atomic units of the merchant's stablecoins, which all have 6 decimals on the
// networks we list (USDC, EURC).

export const CAP_DECIMALS = 6;

export const deferredSettingsInput = z.object({
  enabled: z.boolean(),
  /** decimal amount (e.g. "5.00"), or null / empty for no cap */
  maxUnsettledPerPayer: z.string().trim().max(40).nullable(),
});
