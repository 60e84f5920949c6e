import type { SettlementPolicy } from "@/server/db";
import type { CompiledRule } from "@/server/pricing/rules";
import { pricedRouteOf, type PricedRoute } from "@/server/x402/requirements";

import type { GatewayDeps } from "./gateway-deps";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { RequestContext } from "./request-context";
import type { UpstreamTarget } from "./upstream-call";

/** A call on a priced path: the route's price and destination, and where the call goes upstream. */
export type PricedCall = {
  route: PricedRoute;
  target: UpstreamTarget;
  settlementPolicy: SettlementPolicy;
  ruleId: string;
};

/** The priced call of a matched rule; null for a free path, "misconfigured" when the rule names what this gateway lacks. */
export function priceRoute(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  match: CompiledRule | null,
  target: UpstreamTarget,
): PricedCall | null | "misconfigured" {
  if (!match) return null;
  const payTo =
    merchant.settlementMode === "PLATFORM"
      ? deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase()
      : merchant.payoutAddress;
  const priced = payTo
    ? pricedRouteOf(deps.networks, match.rule, {
        merchant,
        payTo,
        resourceUrl: `${deps.env.GATEWAY_URL}/${merchant.id}${ctx.path}`,
      })
    : null;
  if (!priced) return "misconfigured";
  const uptoFacilitator = match.rule.meteringHeader
    ? uptoFacilitatorFor(deps, merchant, priced.network.id)
    : undefined;
  if (uptoFacilitator === null) return "misconfigured";
  return {
    route: uptoFacilitator ? { ...priced, uptoFacilitator } : priced,
    target,
    settlementPolicy: match.rule.settlementPolicy,
    ruleId: match.rule.id,
  };
}

/**
 * The account a metered (upto) payment names as its settler: one of this deployment's settlement
 * accounts, at random as the official scheme picks (server/facilitator/local). Null when the
 * merchant's payments go through a hosted facilitator or none can settle here: metered rules settle
 * through the self-hosted one.
 */
function uptoFacilitatorFor(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  networkId: string,
): string | null {
  if (merchant.facilitator !== "LOCAL") return null;
  const accounts = deps.chains.forNetwork(networkId)?.facilitatorAccounts ?? [];
  return accounts[Math.floor(Math.random() * accounts.length)]?.address ?? null;
}
