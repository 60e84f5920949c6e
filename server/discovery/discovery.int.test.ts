import { HTTPFacilitatorClient } from "@x402/core/server";
import {
  extractDiscoveryInfo,
  validateDiscoveryExtension,
  withBazaar,
  type DiscoveryExtension,
} from "@x402/extensions/bazaar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signUpWithPassword } from "@/server/users/users";
import { serveFetchHandler } from "@/server/http/node-adapter";
import { createMerchant, updateMerchantSettings } from "@/server/merchants/merchants";
import { getPlaygroundSetup } from "@/server/playground/endpoints";
import { createPricingRule } from "@/server/pricing/rules";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { uniqueEmail, useTestDatabase } from "@/server/testing/int";

import { handleDiscoveryResources } from "./http";
import { invalidateDiscovery } from "./resources";

// Discovery through the official `bazaar` extension: our 402s declare it, our list endpoint serves
// it, and the package's own client (withBazaar) and facilitator-side reader (extractDiscoveryInfo)
// are the peers.

const database = useTestDatabase();
let h: GatewayHarness;
let listing: { url: string; close: () => Promise<void> };
let client: ReturnType<typeof withBazaar<HTTPFacilitatorClient>>;

const quoteSchema = {
  type: "object",
  properties: { symbol: { type: "string", examples: ["BTC"] } },
  required: ["symbol"],
};
const priceSchema = { properties: { price: { type: "number" } }, required: ["price"] };

async function otherMerchant(name: string, pathPattern: string) {
  const owner = await signUpWithPassword(h.deps, {
    name: "Other",
    email: uniqueEmail("other"),
    password: "a long enough password",
  });
  const merchant = await createMerchant(h.deps, {
    userId: owner.id,
    actor: { userId: owner.id, role: "OWNER" },
    input: {
      name,
      upstreamBaseUrl: h.upstream.url,
      payoutAddress: "0x00000000000000000000000000000000000000a1",
      settlementMode: "DIRECT",
    },
  });
  await createPricingRule(h.deps, {
    merchantId: merchant.id,
    actor: { userId: owner.id, role: "OWNER" },
    input: { pathPattern, method: "GET", price: "0.02", network: h.network, asset: h.token },
  });
  return merchant;
}

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      {
        pathPattern: "/api/signal/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        description: "Trading signal for one symbol",
      },
      {
        pathPattern: "/api/quote",
        methods: ["GET"],
        price: "0.02",
        network: "",
        asset: "",
        inputSchema: quoteSchema,
        outputSchema: priceSchema,
      },
    ],
  });
  listing = await serveFetchHandler((req) => handleDiscoveryResources(h.deps, req));
  client = withBazaar(new HTTPFacilitatorClient({ url: `${listing.url}/api/facilitator` }));
});
afterAll(async () => {
  await listing?.close();
  await h?.close();
});

function paymentRequired(res: Response): {
  resource: { url: string; description?: string };
  accepts: unknown[];
  extensions?: Record<string, unknown>;
} {
  return JSON.parse(Buffer.from(res.headers.get("payment-required")!, "base64").toString("utf8"));
}

describe("the bazaar extension in 402s", () => {
  it("declares the route with its method, schemas and route template; the package's validator and reader accept it", async () => {
    const res = await h.call("/api/quote?symbol=ETH");
    expect(res.status).toBe(402);
    const body = paymentRequired(res);
    const bazaar = body.extensions?.bazaar as DiscoveryExtension & { routeTemplate?: string };
    expect(bazaar.info.input).toMatchObject({
      type: "http",
      method: "GET",
      queryParams: { symbol: "BTC" },
    });
    expect(bazaar.schema.properties.input.properties).toMatchObject({
      queryParams: { type: "object", required: ["symbol"] },
    });
    expect(validateDiscoveryExtension(bazaar)).toEqual({ valid: true });

    const signal = paymentRequired(await h.call("/api/signal/eth"));
    const signalExt = signal.extensions?.bazaar as DiscoveryExtension & { routeTemplate?: string };
    expect(signalExt.routeTemplate).toBe(`/${h.merchant.id}/api/signal/:var1`);
    // what a facilitator would catalogue after a payment carrying this declaration
    const discovered = extractDiscoveryInfo(
      {
        x402Version: 2,
        resource: signal.resource,
        accepted: signal.accepts[0],
        payload: {},
        extensions: signal.extensions,
      } as never,
      signal.accepts[0] as never,
    );
    expect(discovered).toMatchObject({
      resourceUrl: `${GATEWAY_ORIGIN}/${h.merchant.id}/api/signal/:var1`,
      method: "GET",
      description: "Trading signal for one symbol",
    });
  });
});

describe("GET /discovery/resources read by the package's client", () => {
  it("lists an active merchant's rules with the 402's requirements and declaration, not a disabled or opted-out merchant's", async () => {
    const disabled = await otherMerchant("Disabled Co", "/api/hidden");
    await database.db.merchant.update({ where: { id: disabled.id }, data: { status: "DISABLED" } });
    const optedOut = await otherMerchant("Private Co", "/api/private");
    await database.db.merchant.update({
      where: { id: optedOut.id },
      data: { discoverable: false },
    });
    const listed = await otherMerchant("Listed Co", "/api/open");
    invalidateDiscovery(h.deps);

    const all = await client.extensions.bazaar.listResources({ type: "http", limit: 1000 });
    const resources = all.items.map((i) => i.resource);
    expect(resources).toEqual(
      expect.arrayContaining([
        `${GATEWAY_ORIGIN}/${h.merchant.id}/api/signal/:var1`,
        `${GATEWAY_ORIGIN}/${h.merchant.id}/api/quote`,
        `${GATEWAY_ORIGIN}/${listed.id}/api/open`,
      ]),
    );
    expect(resources.some((r) => r.includes(disabled.id) || r.includes(optedOut.id))).toBe(false);
    expect(all.pagination).toMatchObject({ limit: 1000, offset: 0, total: all.items.length });

    // the item says what the route's 402 says
    const quote = all.items.find(
      (i) => i.resource === `${GATEWAY_ORIGIN}/${h.merchant.id}/api/quote`,
    )!;
    const challenge = paymentRequired(await h.call("/api/quote"));
    expect(quote.accepts).toEqual(challenge.accepts);
    expect(quote.extensions?.bazaar).toEqual(challenge.extensions?.bazaar);
    expect(quote).toMatchObject({ type: "http", x402Version: 2, serviceName: "Signals Inc" });

    // filters and limit/offset pagination
    const mine = await client.extensions.bazaar.listResources({
      payTo: h.merchantWallet.toUpperCase().replace("0X", "0x"),
      limit: 1,
      offset: 1,
    });
    expect(mine.pagination).toEqual({ limit: 1, offset: 1, total: 2 });
    expect(mine.items).toHaveLength(1);
    expect((await client.extensions.bazaar.listResources({ network: "eip155:1" })).items).toEqual(
      [],
    );

    // the playground lists the same endpoints
    const playground = await getPlaygroundSetup(h.deps);
    expect(playground.endpoints.map((e) => e.merchantId)).not.toContain(optedOut.id);
    expect(playground.endpoints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          merchantId: h.merchant.id,
          pattern: "/api/signal/*",
          path: "/api/signal/btc",
          method: "GET",
        }),
      ]),
    );
  });

  it("refuses a malformed query", async () => {
    const res = await fetch(`${listing.url}/api/facilitator/discovery/resources?limit=0`);
    expect(res.status).toBe(400);
  });

  it("a merchant that opts out leaves its 402s without the declaration", async () => {
    const owner = await database.db.membership.findFirstOrThrow({
      where: { merchantId: h.merchant.id, role: "OWNER" },
    });
    const current = await database.db.merchant.findUniqueOrThrow({
      where: { id: h.merchant.id },
      select: { name: true },
    });
    await updateMerchantSettings(h.deps, {
      merchantId: h.merchant.id,
      actor: { userId: owner.userId, role: "OWNER" },
      payoutChange: { allowed: true },
      input: { name: current.name, payoutAddress: h.merchantWallet, discoverable: false },
    });
    const body = paymentRequired(await h.call("/api/quote"));
    expect(body.extensions?.bazaar).toBeUndefined();
    expect(body.extensions).toHaveProperty("payment-identifier");
    invalidateDiscovery(h.deps);
    const all = await client.extensions.bazaar.listResources();
    expect(all.items.some((i) => i.resource.includes(h.merchant.id))).toBe(false);
  });
});
