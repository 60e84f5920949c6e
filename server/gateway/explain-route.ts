import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { paymentRequiredBody, paymentRequiredV2, pricedRouteOf } from "@/server/x402/requirements";
import { openPayoutAddress } from "@/server/merchants/merchants";
import { getNetworkRegistry } from "@/server/networks/config";

import { canonicalizePath } from "@/server/pricing/canonical-path";
import {
  compileRules,
  matchRequest,
  type CompiledRule,
  toPricingRuleDto,
  WITH_PAYMENT_OPTIONS,
} from "@/server/pricing/rules";
import {
  joinUpstreamUrl,
  mapUpstreamPath,
  withQueryCredentials,
} from "@/server/pricing/upstream-path";
import type { PricingRuleDto } from "@/server/pricing/schemas";

export type RuleMatchExplanation = {
  method: string;
  path: string;
  gatewayUrl: string;
  /** where the gateway would send the call (injected query credentials masked); null when the mapping is refused */
  upstreamUrl: string | null;
  upstreamRefusal: string | null;
  /** headers the gateway would add from the merchant's injected credentials, masked */
  injectedHeaders: { name: string; maskedValue: string }[];
  rule: PricingRuleDto | null;
  /** what an unpaid client gets: 402 with these bodies, or the upstream's answer (free) */
  outcome: "payment_required" | "free";
  paymentRequired: { v1Body: unknown; v2: unknown } | null;
};

type MaskedCredential = {
  ruleId: string | null;
  location: string;
  name: string;
  maskedValue: string;
};

function loadExplainedMerchant(db: Deps["db"], merchantId: string) {
  return db.merchant.findFirst({
    where: { id: merchantId },
    select: {
      id: true,
      name: true,
      upstreamBaseUrl: true,
      payoutAddressCiphertext: true,
      payoutAddressKeyId: true,
      settlementMode: true,
      unmatchedMethods: true,
      pricingRules: { where: { active: true }, include: WITH_PAYMENT_OPTIONS },
      upstreamCredentials: {
        select: { ruleId: true, location: true, name: true, maskedValue: true },
      },
    },
  });
}
type ExplainedMerchant = NonNullable<Awaited<ReturnType<typeof loadExplainedMerchant>>>;

/** A request the gateway refuses before any rule or upstream is involved. */
function refusedBeforeMatching(
  base: { method: string; path: string; gatewayUrl: string },
  refusal: string,
): RuleMatchExplanation {
  return {
    ...base,
    upstreamUrl: null,
    upstreamRefusal: refusal,
    injectedHeaders: [],
    rule: null,
    outcome: "free",
    paymentRequired: null,
  };
}

/** Where the call would go upstream, with the injected credentials that apply (merchant-wide ones, overridden by the rule's own), masked. */
function explainUpstream(
  merchant: ExplainedMerchant,
  match: CompiledRule | null,
  pathOnly: string,
  search: string,
): Pick<RuleMatchExplanation, "upstreamUrl" | "upstreamRefusal" | "injectedHeaders"> {
  const mapped = match
    ? mapUpstreamPath(match.rule.upstreamPath, match.pattern, pathOnly)
    : ({ ok: true, path: pathOnly } as const);
  const joined = mapped.ok ? joinUpstreamUrl(merchant.upstreamBaseUrl, mapped.path, search) : null;
  const upstreamRefusal = !mapped.ok
    ? mapped.message
    : joined
      ? null
      : "This path cannot be mapped to the upstream: it would leave the upstream's base path";
  const applicable = new Map<string, MaskedCredential>();
  for (const c of merchant.upstreamCredentials) {
    if (c.ruleId !== null && c.ruleId !== match?.rule.id) continue;
    if (c.ruleId !== null || !applicable.has(`${c.location}:${c.name}`))
      applicable.set(`${c.location}:${c.name}`, c);
  }
  const queryCredentials = [...applicable.values()].filter((c) => c.location === "QUERY");
  const injectedHeaders = [...applicable.values()]
    .filter((c) => c.location === "HEADER")
    .map((c) => ({ name: c.name, maskedValue: c.maskedValue }));
  if (!joined) return { upstreamUrl: null, upstreamRefusal, injectedHeaders };
  const withCredentials = withQueryCredentials(
    joined.search,
    queryCredentials.map((c) => [c.name, c.maskedValue]),
  );
  // the masks are for people: show them unencoded
  const upstreamUrl = queryCredentials.reduce(
    (url, c) => url.split(encodeURIComponent(c.maskedValue)).join(c.maskedValue),
    `${joined.origin}${joined.pathname}${withCredentials}`,
  );
  return { upstreamUrl, upstreamRefusal, injectedHeaders };
}

/** The 402 bodies an unpaid client would get on the matched rule (null: its network or asset is unknown). */
function explainPaymentRequired(
  deps: Pick<Deps, "env">,
  merchant: ExplainedMerchant,
  match: CompiledRule,
  pathOnly: string,
): RuleMatchExplanation["paymentRequired"] {
  const payTo =
    merchant.settlementMode === "PLATFORM"
      ? (deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() ?? "")
      : openPayoutAddress(merchant, deps.env);
  const route = pricedRouteOf(getNetworkRegistry(deps.env), match.rule, {
    merchant,
    payTo,
    resourceUrl: `${deps.env.APP_URL}/${merchant.id}${pathOnly}`,
  });
  if (!route) return null;
  return {
    v1Body: paymentRequiredBody(route, { clientVersion: null }),
    v2: paymentRequiredV2(route),
  };
}

/** "Which rule matches?": the rule the gateway would pick for method + path, and the 402 a client would get. */
export async function explainRuleMatch(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; method: string; path: string },
): Promise<RuleMatchExplanation> {
  const merchant = await loadExplainedMerchant(deps.db, opts.merchantId);
  if (!merchant) throw new AppError("not_found", "Merchant not found");
  const path = opts.path.startsWith("/") ? opts.path : `/${opts.path}`;
  // parsed the way the gateway parses the request line, so dot segments and encodings come out the same
  const parsed = new URL(`${deps.env.APP_URL}/${merchant.id}${path}`);
  const asSent = { method: opts.method, path, gatewayUrl: parsed.toString() };
  const canonical = canonicalizePath(parsed.pathname.slice(merchant.id.length + 1) || "/");
  // the gateway answers 400 before matching any rule
  if (!canonical.ok) return refusedBeforeMatching(asSent, canonical.message);
  const {
    match,
    path: pathOnly,
    pricedForOtherMethods,
  } = matchRequest(compileRules(merchant.pricingRules), opts.method, canonical.path);
  if (pricedForOtherMethods && merchant.unmatchedMethods === "REFUSE")
    return refusedBeforeMatching(
      asSent,
      `404: no rule prices ${opts.method} on this path, and unpriced methods are refused (Traffic settings)`,
    );
  const shared = {
    method: opts.method,
    path,
    gatewayUrl: `${parsed.origin}/${merchant.id}${pathOnly}${parsed.search}`,
    ...explainUpstream(merchant, match, pathOnly, parsed.search),
  };
  if (!match) return { ...shared, rule: null, outcome: "free", paymentRequired: null };
  return {
    ...shared,
    rule: toPricingRuleDto(deps, match.rule),
    outcome: "payment_required",
    paymentRequired: explainPaymentRequired(deps, merchant, match, pathOnly),
  };
}

/** The networks and assets a rule may be priced in, for the console's selects. */
export function pricingOptions(deps: Pick<Deps, "env">) {
  return getNetworkRegistry(deps.env)
    .list()
    .map((n) => ({
      id: n.id,
      name: n.name,
      testnet: n.testnet,
      assets: n.assets.map((a) => ({
        address: a.address,
        symbol: a.symbol,
        decimals: a.decimals,
        /** how the exact scheme moves it: "permit2" needs the buyer's one-time Permit2 approval */
        transferMethod: a.transferMethod ?? "eip3009",
      })),
    }));
}
