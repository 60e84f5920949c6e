import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { mapUpstreamPath } from "@/server/gateway/handle-request";
import { paymentRequiredBody, paymentRequiredV2, type PricedRoute } from "@/server/gateway/requirements";
import { getNetworkRegistry } from "@/server/networks/config";

import { compileRules, selectRule, toPricingRuleDto } from "./rules";
import type { PricingRuleDto } from "./schemas";

export type RuleMatchExplanation = {
  method: string;
  path: string;
  gatewayUrl: string;
  upstreamUrl: string;
  rule: PricingRuleDto | null;
  /** what an unpaid client gets: 402 with these bodies, or the upstream's answer (free) */
  outcome: "payment_required" | "free";
  paymentRequired: { v1Body: unknown; v2: unknown } | null;
};

/** "Which rule matches?": the rule the gateway would pick for method + path, and the 402 a client would get. */
export async function explainRuleMatch(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; method: string; path: string },
): Promise<RuleMatchExplanation> {
  const merchant = await deps.db.merchant.findFirst({
    where: { id: opts.merchantId },
    select: { id: true, name: true, upstreamBaseUrl: true, payoutAddress: true, settlementMode: true, pricingRules: { where: { active: true } } },
  });
  if (!merchant) throw new AppError("not_found", "Merchant not found");
  const path = opts.path.startsWith("/") ? opts.path : `/${opts.path}`;
  const [pathOnly = "/", query = ""] = path.split("?");
  const match = selectRule(compileRules(merchant.pricingRules), opts.method, pathOnly);
  const gatewayUrl = `${deps.env.APP_URL}/${merchant.id}${path}`;
  const upstreamPath = match?.rule.upstreamPath ? mapUpstreamPath(match.rule.upstreamPath, pathOnly) : pathOnly;
  const upstreamUrl = `${merchant.upstreamBaseUrl}${upstreamPath}${query ? `?${query}` : ""}`;
  if (!match) return { method: opts.method, path, gatewayUrl, upstreamUrl, rule: null, outcome: "free", paymentRequired: null };
  const network = getNetworkRegistry(deps.env).get(match.rule.network);
  const asset = network?.assets.find((a) => a.address === match.rule.asset);
  const payTo = merchant.settlementMode === "PLATFORM" ? (deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() ?? "") : merchant.payoutAddress;
  const rule = toPricingRuleDto(deps, match.rule);
  if (!network || !asset) return { method: opts.method, path, gatewayUrl, upstreamUrl, rule, outcome: "payment_required", paymentRequired: null };
  const route: PricedRoute = { merchant, rule: match.rule, network, asset, payTo, resourceUrl: `${deps.env.APP_URL}/${merchant.id}${pathOnly}` };
  return {
    method: opts.method,
    path,
    gatewayUrl,
    upstreamUrl,
    rule,
    outcome: "payment_required",
    paymentRequired: { v1Body: paymentRequiredBody(route, { clientVersion: null }), v2: paymentRequiredV2(route) },
  };
}

/** The networks and assets a rule may be priced in, for the console's selects. */
export function pricingOptions(deps: Pick<Deps, "env">) {
  return getNetworkRegistry(deps.env)
    .list()
    .map((n) => ({ id: n.id, name: n.name, testnet: n.testnet, assets: n.assets.map((a) => ({ address: a.address, symbol: a.symbol, decimals: a.decimals })) }));
}
