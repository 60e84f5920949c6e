import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// Shared by the admin console, the merchant console and the gateway (STYLE 2.1.4: one schema per
// boundary).

const perMinute = () =>
  z
    .number()
    .int(vmsg("platform.wholePerMinute"))
    .min(1, vmsg("platform.atLeastOnePerMinute"))
    .max(100_000_000);

/**
 * Requests per minute, in two lanes so unpaid probes cannot starve paying buyers: unpaid traffic
 * (402 challenges, free paths, refusals) per merchant and per client IP; paying traffic (a decoded
 * payment on a priced path) per merchant and per payer (each payer's client IP gets the same).
 */
export const rateLimitsSchema = z.object({
  unpaidPerMerchant: perMinute(),
  unpaidPerClient: perMinute(),
  paidPerMerchant: perMinute(),
  paidPerPayer: perMinute(),
});
export type RateLimits = z.infer<typeof rateLimitsSchema>;

/** The platform's caps until an admin sets them: high enough never to bind a default merchant. */
export const DEFAULT_RATE_LIMIT_CAPS: RateLimits = {
  unpaidPerMerchant: 10_000_000,
  unpaidPerClient: 10_000_000,
  paidPerMerchant: 10_000_000,
  paidPerPayer: 10_000_000,
};

export const RATE_LIMIT_KEYS = [
  "unpaidPerMerchant",
  "unpaidPerClient",
  "paidPerMerchant",
  "paidPerPayer",
] as const satisfies readonly (keyof RateLimits)[];

/** Each of a merchant's limits, lowered to the platform's cap. */
export function effectiveRateLimits(merchant: RateLimits, caps: RateLimits): RateLimits {
  return {
    unpaidPerMerchant: Math.min(merchant.unpaidPerMerchant, caps.unpaidPerMerchant),
    unpaidPerClient: Math.min(merchant.unpaidPerClient, caps.unpaidPerClient),
    paidPerMerchant: Math.min(merchant.paidPerMerchant, caps.paidPerMerchant),
    paidPerPayer: Math.min(merchant.paidPerPayer, caps.paidPerPayer),
  };
}
