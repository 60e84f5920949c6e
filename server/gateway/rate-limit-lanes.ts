import type { GatewayDeps } from "./gateway-deps";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { RateLimitScope } from "./outcome";
import type { RequestContext } from "./request-context";
import { served, type Served } from "./served";

/**
 * The rate limits, in two lanes: a request with a decoded payment on a priced path takes from the
 * paying buckets (the merchant's, the payer's and its client's), every other request from the
 * unpaid ones (the merchant's and its client's). All of a lane's buckets or none are taken.
 */
export type Lane = { paid: boolean; payer: string | null };

/** Null when the request may go on; otherwise the 429 and its access-log facts. */
export async function admit(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  lane: Lane,
): Promise<Served | null> {
  const { limits } = merchant;
  const client = ctx.clientIp ?? "unknown";
  const buckets = lane.paid
    ? [
        { key: `gw:paid:${merchant.id}`, limit: limits.paidPerMerchant },
        { key: `gw:paid:${merchant.id}:ip:${client}`, limit: limits.paidPerPayer },
        ...(lane.payer
          ? [{ key: `gw:paid:${merchant.id}:payer:${lane.payer}`, limit: limits.paidPerPayer }]
          : []),
      ]
    : [
        { key: `gw:unpaid:${merchant.id}`, limit: limits.unpaidPerMerchant },
        { key: `gw:unpaid:${merchant.id}:ip:${client}`, limit: limits.unpaidPerClient },
      ];
  const decision = await deps.rateLimiter.takeAll(buckets);
  if (decision.allowed) return null;
  const who = decision.key.includes(":payer:")
    ? "payer"
    : decision.key.includes(":ip:")
      ? "client"
      : "merchant";
  const scope: RateLimitScope = lane.paid
    ? who === "payer"
      ? "paid_payer"
      : who === "client"
        ? "paid_client"
        : "paid_merchant"
    : who === "client"
      ? "unpaid_client"
      : "unpaid_merchant";
  return served(
    { kind: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds, scope },
    {
      status: "REJECTED",
      reason: `rate_limited_${scope}`,
      ...(lane.payer ? { payer: lane.payer } : {}),
    },
  );
}
