import type { DiscoveryResource, DiscoveryResourcesResponse } from "@x402/extensions/bazaar";
import { z } from "zod";

import { createTtlCache, type TtlCache } from "@/server/cache/ttl-cache";
import type { PricingRule } from "@/server/db";
import type { Deps } from "@/server/deps";
import { openPayoutAddress } from "@/server/merchants/merchants";
import { getNetworkRegistry } from "@/server/networks/config";
import {
  BAZAAR_KEY,
  bazaarDeclaration,
  discoveryMethodOf,
  gatewayPathPrefix,
  routeTemplateOf,
} from "@/server/x402/discovery";
import { WITH_PAYMENT_OPTIONS } from "@/server/pricing/rules";
import { paymentRequiredV2, pricedRouteOf, type PricedRoute } from "@/server/x402/requirements";

// Discovery (issue 22): every ACTIVE merchant's priced rules, unless it opted out, as the `bazaar`
// convention's list items — what a facilitator serves at GET /discovery/resources, and what
// `withBazaar(new HTTPFacilitatorClient(...)).extensions.bazaar.listResources()` reads. The 402 of a
// route and its list item are built by the same functions (server/x402/requirements.ts and
// discovery.ts), so `accepts` and the declaration are the ones a client meets when it calls.
//
// A rule with wildcards is listed once, under its route template (`/mer_…/api/signal/:var1`): that is
// the URL a facilitator catalogues for it (extractDiscoveryInfo puts origin + routeTemplate), and its
// declaration carries example path params. The playground lists the same endpoints.

/** One listed endpoint: the priced route (with the example path's URL) and what the list says of it. */
export type DiscoverableEndpoint = {
  route: PricedRoute;
  rule: PricingRule;
  /** the method the declaration names (GET when the rule prices it) */
  method: string;
  /** a concrete path a client can call (`/api/signal/*` → `/api/signal/btc`) */
  examplePath: string;
  item: DiscoveryResource;
};

/** A concrete example path for a pattern (`/api/signal/*` → `/api/signal/btc`). */
export function examplePath(pattern: string): string {
  return pattern
    .replace(/\/\*\*$/, "/example")
    .replace(/\*\*/g, "example")
    .replace(/\*/g, "btc");
}

/** How long a listing is reused: discovery is read by crawlers, a short staleness is fine. */
export const DISCOVERY_CACHE_SECONDS = 30;
const MAX_LISTED_RULES = 5_000;

async function loadEndpoints(deps: Pick<Deps, "db" | "env">): Promise<DiscoverableEndpoint[]> {
  const registry = getNetworkRegistry(deps.env);
  const rules = await deps.db.pricingRule.findMany({
    where: { active: true, merchant: { status: "ACTIVE", discoverable: true } },
    orderBy: [{ merchant: { createdAt: "asc" } }, { createdAt: "asc" }, { id: "asc" }],
    take: MAX_LISTED_RULES,
    include: {
      ...WITH_PAYMENT_OPTIONS,
      merchant: {
        select: {
          id: true,
          name: true,
          settlementMode: true,
          payoutAddressCiphertext: true,
          payoutAddressKeyId: true,
          discoverable: true,
          updatedAt: true,
        },
      },
    },
  });
  const payTos = new Map<string, string | null>();
  const endpoints: DiscoverableEndpoint[] = [];
  for (const { merchant, ...rule } of rules) {
    const method = discoveryMethodOf(rule);
    if (!payTos.has(merchant.id)) {
      payTos.set(
        merchant.id,
        merchant.settlementMode === "PLATFORM"
          ? (deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() ?? null)
          : openPayoutAddress(merchant, deps.env),
      );
    }
    const payTo = payTos.get(merchant.id);
    const prefix = gatewayPathPrefix(deps.env.GATEWAY_URL, merchant.id);
    const example = examplePath(rule.pathPattern);
    const origin = new URL(deps.env.GATEWAY_URL).origin;
    const route = payTo
      ? pricedRouteOf(registry, rule, {
          merchant: { id: merchant.id, name: merchant.name, discoverable: true },
          payTo,
          resourceUrl: `${origin}${prefix}${example}`,
        })
      : null;
    // what the gateway could not charge for (a misconfigured rule) or the convention cannot describe is not listed
    if (!route || !method) continue;
    const template = rule.pathPattern.includes("*")
      ? routeTemplateOf(prefix, rule.pathPattern)
      : null;
    const declaration = bazaarDeclaration(rule, { method, path: `${prefix}${example}`, prefix });
    const body = paymentRequiredV2(
      route,
      undefined,
      declaration ? { [BAZAAR_KEY]: declaration } : undefined,
    );
    const updatedAt = rule.updatedAt > merchant.updatedAt ? rule.updatedAt : merchant.updatedAt;
    endpoints.push({
      route,
      rule,
      method,
      examplePath: example,
      item: {
        resource: template ? `${origin}${template}` : `${origin}${prefix}${rule.pathPattern}`,
        type: "http",
        x402Version: 2,
        // our requirements name a CAIP-2 network (`eip155:…`), the template type the package spells out
        accepts: body.accepts as DiscoveryResource["accepts"],
        lastUpdated: updatedAt.toISOString(),
        description: body.resource.description,
        mimeType: body.resource.mimeType,
        serviceName: body.resource.serviceName,
        ...(body.extensions ? { extensions: body.extensions } : {}),
      },
    });
  }
  return endpoints;
}

// one short-lived listing per database handle (tests run several runtimes in one process)
const caches = new WeakMap<object, TtlCache<DiscoverableEndpoint[]>>();

/** The discoverable endpoints, reused for DISCOVERY_CACHE_SECONDS. The playground and the list endpoint read this. */
export function discoverableEndpoints(
  deps: Pick<Deps, "db" | "env">,
): Promise<DiscoverableEndpoint[]> {
  let cache = caches.get(deps.db);
  if (!cache) {
    cache = createTtlCache({
      ttlMs: DISCOVERY_CACHE_SECONDS * 1000,
      load: () => loadEndpoints(deps),
      maxEntries: 1,
    });
    caches.set(deps.db, cache);
  }
  return cache.get("all");
}

/** Forget the cached listing (a test, or a caller that just changed what is listed). */
export function invalidateDiscovery(deps: Pick<Deps, "db">): void {
  caches.get(deps.db)?.clear();
}

/** The list endpoint's query: the convention's filters and limit/offset pagination (ListDiscoveryResourcesParams). */
export const listDiscoveryQuery = z.object({
  type: z.string().max(32).optional(),
  payTo: z.string().max(128).optional(),
  scheme: z.string().max(32).optional(),
  network: z.string().max(64).optional(),
  extensions: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListDiscoveryQuery = z.infer<typeof listDiscoveryQuery>;

/** Pure: the page of items the filters select. */
export function pageOfItems(
  items: DiscoveryResource[],
  query: ListDiscoveryQuery,
): DiscoveryResourcesResponse {
  const matching = items.filter(
    (item) =>
      (!query.type || item.type === query.type) &&
      (!query.extensions || Object.hasOwn(item.extensions ?? {}, query.extensions)) &&
      item.accepts.some(
        (a) =>
          (!query.scheme || a.scheme === query.scheme) &&
          (!query.network || a.network === query.network) &&
          (!query.payTo || a.payTo.toLowerCase() === query.payTo.toLowerCase()),
      ),
  );
  return {
    x402Version: 2,
    items: matching.slice(query.offset, query.offset + query.limit),
    pagination: { limit: query.limit, offset: query.offset, total: matching.length },
  };
}

export async function listDiscoveryResources(
  deps: Pick<Deps, "db" | "env">,
  query: ListDiscoveryQuery,
): Promise<DiscoveryResourcesResponse> {
  const endpoints = await discoverableEndpoints(deps);
  return pageOfItems(
    endpoints.map((e) => e.item),
    query,
  );
}
