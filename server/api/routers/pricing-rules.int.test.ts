import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import { callerFor, testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// The pricing-rules procedures through the real middleware chain: roles, tenant scoping, field errors.

const database = useTestDatabase();
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const env = testEnv({
  LOCAL_TOKEN_ADDRESS: TOKEN,
  LOCAL_CHAIN_ID: "31337",
  APP_URL: "https://gw.example",
});
const NETWORK = "eip155:31337";
const BASE_USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

let owner: SessionUser;
let developer: SessionUser;
let outsider: SessionUser;
let merchantId: string;
let otherMerchantId: string;

async function rejection(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError & { cause?: { details?: { fieldErrors?: Record<string, string[]> } } };
}

beforeAll(async () => {
  const deps = testDeps(database.db, { env });
  const user = (name: string) =>
    signUpWithPassword(deps, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [owner, developer, outsider] = await Promise.all([user("owner"), user("dev"), user("outsider")]);
  const input = {
    name: "Rules Inc",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  merchantId = (await callerFor(deps, owner).merchants.create(input)).id;
  otherMerchantId = (
    await callerFor(deps, outsider).merchants.create({ ...input, name: "Other Inc" })
  ).id;
  await database.db.membership.create({
    data: { id: `mem_dev_${Date.now()}`, merchantId, userId: developer.id, role: "DEVELOPER" },
  });
});

const rule = (over: Record<string, unknown> = {}) => ({
  pathPattern: "/api/signal/*",
  method: "GET" as const,
  price: "0.01",
  network: NETWORK,
  asset: TOKEN,
  ...over,
});

describe("pricing rules", () => {
  it("creates, lists, updates and deletes a rule, storing the price in atomic units", async () => {
    const api = callerFor(testDeps(database.db, { env }), owner).pricingRules;
    const created = await api.create({ merchantId, data: rule() });
    expect(created).toMatchObject({
      priceAtomic: "10000",
      price: "0.01",
      assetSymbol: "USDC",
      billingMode: "PER_REQUEST",
    });
    expect((await api.list({ merchantId })).map((r) => r.id)).toContain(created.id);
    const updated = await api.update({
      merchantId,
      id: created.id,
      data: rule({ price: "0.025" }),
    });
    expect(updated.priceAtomic).toBe("25000");
    await api.delete({ merchantId, id: created.id });
    expect((await api.list({ merchantId })).map((r) => r.id)).not.toContain(created.id);
    const audit = await database.db.auditLog.findMany({
      where: { merchantId, targetId: created.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "pricing_rule.create",
      "pricing_rule.update",
      "pricing_rule.delete",
    ]);
  });

  it.each([
    [{ price: "-1" }, "price"],
    [{ price: "0.0000001" }, "price"],
    [{ price: "0" }, "price"],
    [{ pathPattern: "api/no-slash" }, "pathPattern"],
    [{ network: "eip155:999" }, "network"],
    [{ asset: "0x0000000000000000000000000000000000000001" }, "asset"],
    [{ billingMode: "BUNDLE" }, "bundleSize"],
    [
      { settlementPolicy: "DEFERRED", billingMode: "TIME_PASS", passDurationSeconds: 3600 },
      "settlementPolicy",
    ],
    // a metered charge is known once the upstream answered, for one call
    [{ meteringHeader: "X-Usage-Amount", billingMode: "BUNDLE", bundleSize: 5 }, "meteringHeader"],
    [{ meteringHeader: "X-Usage-Amount", settlementPolicy: "BEFORE_PROXY" }, "settlementPolicy"],
    [{ meteringHeader: "X-Usage-Amount", settlementPolicy: "DEFERRED" }, "settlementPolicy"],
    [{ meteringHeader: "X Usage: Amount" }, "meteringHeader"],
    // the upto scheme settles through Permit2 in the rule's own network and asset
    [
      {
        meteringHeader: "X-Usage-Amount",
        paymentOptions: [
          {
            network: "eip155:8453",
            asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            price: "0.02",
          },
        ],
      },
      "paymentOptions",
    ],
    // batch-settlement charges a fixed price per call against one channel (network + asset)
    [{ settlementPolicy: "BATCH", billingMode: "BUNDLE", bundleSize: 5 }, "settlementPolicy"],
    [{ settlementPolicy: "BATCH", meteringHeader: "X-Usage-Amount" }, "meteringHeader"],
    [
      {
        settlementPolicy: "BATCH",
        paymentOptions: [
          {
            network: "eip155:8453",
            asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            price: "0.02",
          },
        ],
      },
      "paymentOptions",
    ],
  ])("refuses %j with a field error on %s", async (over, field) => {
    const err = await rejection(
      callerFor(testDeps(database.db, { env }), owner).pricingRules.create({
        merchantId,
        data: rule({ pathPattern: "/api/bad/*", ...over }),
      }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    const shape = (err as unknown as { cause?: unknown }).cause;
    expect(JSON.stringify(shape ?? err)).toContain(field);
  });

  it("stores a metered rule: its price is the ceiling, with the usage header and the fallback", async () => {
    const api = callerFor(testDeps(database.db, { env }), owner).pricingRules;
    const created = await api.create({
      merchantId,
      data: rule({
        pathPattern: "/api/metered",
        price: "0.05",
        meteringHeader: "X-Tokens-Cost",
        meteringFallback: "REFUSE",
      }),
    });
    expect(created).toMatchObject({
      priceAtomic: "50000",
      meteringHeader: "X-Tokens-Cost",
      meteringFallback: "REFUSE",
    });
    const fixed = await api.update({
      merchantId,
      id: created.id,
      data: rule({ pathPattern: "/api/metered", meteringHeader: null }),
    });
    expect(fixed).toMatchObject({ meteringHeader: null, meteringFallback: "CEILING" });
  });

  it.each([
    [{ settlementPolicy: "BATCH" }, "pricing.batchNoOptions"],
    [{ meteringHeader: "X-Usage-Amount" }, "pricing.meteredNoOptions"],
  ])(
    "refuses turning a rule with payment options into %j while the update keeps its options",
    async (over, key) => {
      const api = callerFor(testDeps(database.db, { env }), owner).pricingRules;
      const path = `/api/keeps-options-${key}`;
      const option = { network: "eip155:8453", asset: BASE_USDC, price: "0.02" };
      const created = await api.create({
        merchantId,
        data: rule({ pathPattern: path, paymentOptions: [option] }),
      });
      // an update without paymentOptions keeps them (an input that predates options)
      const err = await rejection(
        api.update({ merchantId, id: created.id, data: rule({ pathPattern: path, ...over }) }),
      );
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.cause?.details?.fieldErrors?.paymentOptions?.[0]).toContain(key);
      const [kept] = (await api.list({ merchantId })).filter((r) => r.id === created.id);
      expect(kept).toMatchObject({ settlementPolicy: "AFTER_SUCCESS", meteringHeader: null });
      expect(kept?.paymentOptions).toHaveLength(1);
    },
  );

  it("refuses a duplicate method + pattern with a conflict on the pattern field", async () => {
    const api = callerFor(testDeps(database.db, { env }), owner).pricingRules;
    await api.create({ merchantId, data: rule({ pathPattern: "/api/dup" }) });
    const err = await rejection(
      api.create({ merchantId, data: rule({ pathPattern: "/api/dup" }) }),
    );
    expect(err.code).toBe("CONFLICT");
  });

  it("explains which rule matches and what a client would get", async () => {
    const api = callerFor(testDeps(database.db, { env }), owner).pricingRules;
    await api.create({
      merchantId,
      data: rule({
        pathPattern: "/api/quote/*",
        price: "0.2",
        upstreamPath: "/internal/pricing/*",
      }),
    });
    const paid = await api.explain({ merchantId, method: "GET", path: "/api/quote/abc?x=1" });
    expect(paid).toMatchObject({
      outcome: "payment_required",
      rule: { pathPattern: "/api/quote/*" },
      upstreamUrl: "https://api.example.com/internal/pricing/abc?x=1",
    });
    expect(paid.paymentRequired?.v1Body).toMatchObject({
      x402Version: 2,
      accepts: [{ amount: "200000", network: NETWORK }],
    });
    const free = await api.explain({ merchantId, method: "GET", path: "/health" });
    expect(free).toMatchObject({
      outcome: "free",
      rule: null,
      upstreamUrl: "https://api.example.com/health",
    });
  });

  it("lets a DEVELOPER read but not change rules, and hides another merchant's rules", async () => {
    const deps = testDeps(database.db, { env });
    expect(Array.isArray(await callerFor(deps, developer).pricingRules.list({ merchantId }))).toBe(
      true,
    );
    expect(
      (
        await rejection(
          callerFor(deps, developer).pricingRules.create({
            merchantId,
            data: rule({ pathPattern: "/dev" }),
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect(
      (await rejection(callerFor(deps, outsider).pricingRules.list({ merchantId }))).code,
    ).toBe("NOT_FOUND");
    const mine = await callerFor(deps, owner).pricingRules.create({
      merchantId,
      data: rule({ pathPattern: "/mine" }),
    });
    // another merchant's rule id under your own merchant is not found, and changes nothing
    expect(
      (
        await rejection(
          callerFor(deps, outsider).pricingRules.delete({
            merchantId: otherMerchantId,
            id: mine.id,
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(
      (await callerFor(deps, owner).pricingRules.list({ merchantId })).map((r) => r.id),
    ).toContain(mine.id);
  });
});

describe("merchant settings", () => {
  it("let an owner change the settlement wallet (with an audit row) and refuse a developer", async () => {
    const deps = testDeps(database.db, { env });
    const updated = await callerFor(deps, owner).merchants.updateSettings({
      merchantId,
      name: "Rules Inc 2",
      payoutAddress: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    });
    expect(updated).toMatchObject({
      name: "Rules Inc 2",
      payoutAddress: "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
    });
    expect(
      await database.db.auditLog.count({
        where: { merchantId, action: "merchant.settings.update" },
      }),
    ).toBe(1);
    expect(
      (
        await rejection(
          callerFor(deps, developer).merchants.updateSettings({
            merchantId,
            name: "x y",
            payoutAddress: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect(
      (
        await rejection(
          callerFor(deps, owner).merchants.updateSettings({
            merchantId,
            name: "x y",
            payoutAddress: "0x123",
          }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
  });
});
