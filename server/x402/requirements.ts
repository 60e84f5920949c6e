import type { PricingRule, PricingRuleOption } from "@/server/db";
import { toAtomic } from "@/server/db/money";
import {
  paysThroughPermit2,
  type AssetConfig,
  type NetworkConfig,
  type NetworkRegistry,
} from "@/server/networks/config";

import { isBatch, requirementsBatch, type BatchRequirements } from "./batch-settlement";
import { isMetered, requirementsUpto, type UptoRequirements } from "./upto";

// Pure: a priced route → the payment requirements a client must satisfy, in both protocol
// generations (see shared/x402.md), and the 402 bodies that carry them.

/** How long a signed authorization may take to arrive and settle. */
export const MAX_TIMEOUT_SECONDS = 300;

export type RequirementsV2 = {
  scheme: "exact";
  network: string;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  /** EIP-3009: the token's EIP-712 domain; a Permit2 token: the transfer method (Permit2 signs under its own domain) */
  extra: { name: string; version: string } | { assetTransferMethod: "permit2" };
};

export type RequirementsV1 = {
  scheme: "exact";
  network: string;
  maxAmountRequired: string;
  resource: string;
  description: string;
  mimeType: string;
  payTo: string;
  maxTimeoutSeconds: number;
  asset: string;
  extra: { name: string; version: string };
};

export type PaymentRequiredV1Body = { x402Version: 1; error: string; accepts: RequirementsV1[] };

export type PaymentRequiredV2Body = {
  x402Version: 2;
  error?: string;
  resource: { url: string; description?: string; mimeType?: string; serviceName?: string };
  accepts: (RequirementsV2 | UptoRequirements | BatchRequirements)[];
  extensions?: Record<string, unknown>;
};

export type PricedRoute = {
  /** `discoverable: false`: the merchant opted out of discovery (no `bazaar` declaration in its 402s) */
  merchant: { id: string; name: string; discoverable?: boolean };
  rule: Pick<
    PricingRule,
    | "id"
    | "priceAtomic"
    | "description"
    | "billingMode"
    | "bundleSize"
    | "passDurationSeconds"
    | "settlementPolicy"
    | "upstreamPath"
    | "pathPattern"
    | "methods"
    | "inputSchema"
    | "outputSchema"
    | "meteringHeader"
    | "meteringFallback"
  >;
  /** the option this route is priced in: the rule's own until a payment chose another */
  network: NetworkConfig;
  asset: AssetConfig;
  /** the price in `asset`'s atomic units; absent: the rule's price */
  amount?: bigint;
  /** every way to pay the route, in the order the 402 lists them (the rule's own first); absent: only the above */
  options?: PaymentOption[];
  /** who receives the transfer: the merchant's wallet, or the platform treasury in PLATFORM mode */
  payTo: string;
  /** the absolute URL of the paid resource (public origin + merchant + path) */
  resourceUrl: string;
  /** metered rules: the facilitator account a payer names as the one to settle (server/x402/upto.ts) */
  uptoFacilitator?: string;
  /** batch-settlement rules: what the official server part adds to the requirements (receiverAuthorizer, withdrawDelay, minDeposit) */
  batchExtra?: Record<string, unknown>;
};

/** One way to pay a route: one `accepts` entry. */
export type PaymentOption = { network: NetworkConfig; asset: AssetConfig; amount: bigint };

export function priceOf(route: PricedRoute): bigint {
  return route.amount ?? toAtomic(route.rule.priceAtomic);
}

/** Every option the route offers, in order. */
export function offeredOptions(route: PricedRoute): PaymentOption[] {
  return route.options ?? [{ network: route.network, asset: route.asset, amount: priceOf(route) }];
}

/** The route priced in one of its options (what a payment that chose it is checked, verified and settled against). */
export function inOption(route: PricedRoute, option: PaymentOption): PricedRoute {
  return { ...route, network: option.network, asset: option.asset, amount: option.amount };
}

/**
 * A rule's priced route: its own network + asset + price first, then its further options. Null when
 * the registry lacks the rule's own network or asset (the gateway cannot charge for it); a further
 * option naming what this gateway lacks is left out of the offer.
 */
export function pricedRouteOf(
  registry: Pick<NetworkRegistry, "asset" | "get">,
  rule: PricedRoute["rule"] &
    Pick<PricingRule, "network" | "asset"> & {
      paymentOptions?: Pick<PricingRuleOption, "network" | "asset" | "priceAtomic">[];
    },
  at: Pick<PricedRoute, "merchant" | "payTo" | "resourceUrl">,
): PricedRoute | null {
  const options: PaymentOption[] = [];
  for (const option of [rule, ...(rule.paymentOptions ?? [])]) {
    const network = registry.get(option.network);
    const asset = registry.asset(option.network, option.asset);
    if (network && asset) options.push({ network, asset, amount: toAtomic(option.priceAtomic) });
    else if (option === rule) return null;
  }
  const [primary] = options as [PaymentOption];
  return { ...at, rule, ...primary, options };
}

export function requirementsV2(
  route: PricedRoute,
  amount: bigint = priceOf(route),
): RequirementsV2 {
  return {
    scheme: "exact",
    network: route.network.id,
    asset: route.asset.address,
    amount: amount.toString(),
    payTo: route.payTo,
    maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
    // as the official exact server declares a Permit2 token that has no EIP-2612 permit
    extra: paysThroughPermit2(route.asset)
      ? { assetTransferMethod: "permit2" }
      : { name: route.asset.eip712.name, version: route.asset.eip712.version },
  };
}

function describeDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? "" : "s"}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} seconds`;
}

/** What one payment buys on this route, in words (bundles and passes cover the rule's paths). */
export function describePurchase(route: Pick<PricedRoute, "rule">): string {
  const { rule } = route;
  if (rule.billingMode === "BUNDLE") return `${rule.bundleSize ?? 1} calls on ${rule.pathPattern}`;
  if (rule.billingMode === "TIME_PASS")
    return `unlimited calls on ${rule.pathPattern} for ${describeDuration(rule.passDurationSeconds ?? 0)}`;
  return "this call";
}

function describe(route: PricedRoute): string {
  const base = route.rule.description ?? `${route.merchant.name}: ${route.rule.pathPattern}`;
  return route.rule.billingMode === "PER_REQUEST"
    ? base
    : `${base} (one payment buys ${describePurchase(route)})`;
}

/** The v1 requirements, or null on a network that has no v1 name (v1 clients cannot pay there). */
export function requirementsV1(
  route: PricedRoute,
  amount: bigint = priceOf(route),
): RequirementsV1 | null {
  // x402 v1 has neither the upto nor the batch-settlement scheme, and its exact scheme knows EIP-3009 only
  if (
    !route.network.v1Name ||
    isMetered(route) ||
    isBatch(route) ||
    paysThroughPermit2(route.asset)
  )
    return null;
  return {
    scheme: "exact",
    network: route.network.v1Name,
    maxAmountRequired: amount.toString(),
    resource: route.resourceUrl,
    description: describe(route),
    mimeType: "application/json",
    payTo: route.payTo,
    maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
    asset: route.asset.address,
    extra: { name: route.asset.eip712.name, version: route.asset.eip712.version },
  };
}

export function paymentRequiredV2(
  route: PricedRoute,
  error?: string,
  extensions?: Record<string, unknown>,
): PaymentRequiredV2Body {
  return {
    x402Version: 2,
    ...(error ? { error } : {}),
    resource: {
      url: route.resourceUrl,
      description: describe(route),
      mimeType: "application/json",
      serviceName: route.merchant.name,
    },
    // a metered rule settles through Permit2 and the upto scheme in its own network and asset only
    accepts: isBatch(route)
      ? [requirementsBatch(route)]
      : isMetered(route)
        ? [requirementsUpto(route)]
        : offeredOptions(route).map((option) => requirementsV2(inOption(route, option))),
    ...(extensions ? { extensions } : {}),
  };
}

/** One `accepts` entry of a route's 402 as a person reads it (network name, token symbol). */
export type OfferedPaymentOption = {
  scheme: string;
  /** CAIP-2 id */
  network: string;
  networkName: string;
  asset: string;
  symbol: string;
  decimals: number;
  /** atomic units: the price (exact) or the ceiling (upto) */
  amountAtomic: string;
  /** how the token moves: an EIP-3009 authorization or a Permit2 transfer */
  transferMethod: "eip3009" | "permit2";
};

/**
 * What a route's 402 offers, entry by entry: read from the v2 `accepts` the 402 itself sends, so the
 * playground and the admin pages show exactly what a client is offered.
 */
export function describeOffer(route: PricedRoute): OfferedPaymentOption[] {
  const options = isMetered(route)
    ? [{ network: route.network, asset: route.asset }]
    : offeredOptions(route);
  return paymentRequiredV2(route).accepts.flatMap((entry, i) => {
    const option = options[i];
    if (!option) return [];
    return [
      {
        scheme: entry.scheme,
        network: entry.network,
        networkName: option.network.name,
        asset: entry.asset,
        symbol: option.asset.symbol,
        decimals: option.asset.decimals,
        amountAtomic: entry.amount,
        transferMethod: "assetTransferMethod" in entry.extra ? "permit2" : "eip3009",
      },
    ];
  });
}

export function paymentRequiredV1(
  route: PricedRoute,
  error?: string,
): PaymentRequiredV1Body | null {
  // the options v1 can name (a network without a v1 name is offered to v2 clients only)
  const accepts = offeredOptions(route)
    .map((option) => requirementsV1(inOption(route, option)))
    .filter((r): r is RequirementsV1 => r !== null);
  if (accepts.length === 0) return null;
  return { x402Version: 1, error: error ?? "X-PAYMENT header is required", accepts };
}

/**
 * The JSON body of a 402. With no payment yet, or a v1 payment, it is the v1 shape so v1 clients
 * (which read only the body) work; v2 clients read the PAYMENT-REQUIRED header. A v2 client, or a
 * network v1 cannot name, gets the v2 shape in the body too.
 */
export function paymentRequiredBody(
  route: PricedRoute,
  opts: { clientVersion: 1 | 2 | null; error?: string; extensions?: Record<string, unknown> },
): PaymentRequiredV1Body | PaymentRequiredV2Body {
  if (opts.clientVersion !== 2) {
    const v1 = paymentRequiredV1(route, opts.error);
    if (v1) return v1;
  }
  return paymentRequiredV2(route, opts.error, opts.extensions);
}
