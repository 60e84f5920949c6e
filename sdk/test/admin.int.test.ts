import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { handlePublicApiRequest } from "@/server/public-api/handler";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { callerFor, merchantOwner, testDeps, useTestDatabase } from "@/server/testing/int";

import { X402Admin, X402AdminError } from "../src";

// X402Admin against the real public API handler (its fetch is the route handler): typed calls,
// idempotent creates, cursor paging and the API's errors as X402AdminError.

const database = useTestDatabase();
let h: GatewayHarness;
let admin: X402Admin;

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  const owner = await merchantOwner(database.db, h.merchant.id);
  const { key } = await callerFor(testDeps(database.db), owner).apiKeys.create({
    merchantId: h.merchant.id,
    name: "sdk",
    scopes: ["write", "keys:manage"],
  });
  const deps = {
    ...testDeps(database.db, { env: h.runtime.env as never }),
    rateLimiter: createMemoryRateLimiter(),
  };
  admin = new X402Admin({
    endpoint: "http://gateway.test",
    apiKey: key,
    merchantId: h.merchant.id,
    fetch: (input, init) => handlePublicApiRequest(deps, new Request(input as URL, init)),
  });
});
afterAll(async () => {
  await h?.close();
});

describe("X402Admin", () => {
  it("manages pricing rules the gateway then charges, idempotently", async () => {
    const data = {
      pathPattern: "/api/sdk/*",
      method: "GET" as const,
      price: "0.04",
      network: h.network,
      asset: h.token,
    };
    const rule = await admin.pricingRules.create(data, { idempotencyKey: "sdk-rule-1" });
    expect(rule).toMatchObject({ priceAtomic: "40000", assetDecimals: 6 });
    expect(await admin.pricingRules.create(data, { idempotencyKey: "sdk-rule-1" })).toEqual(rule);
    expect((await h.requirementsFor("/api/sdk/x")).amount).toBe("40000");
    expect(
      (await admin.pricingRules.list()).filter((r) => r.pathPattern === "/api/sdk/*"),
    ).toHaveLength(1);
    expect(await admin.pricingRules.delete(rule.id)).toEqual({ id: rule.id, deleted: true });
  });

  it("reads the merchant and pages through payments one at a time", async () => {
    expect((await admin.merchant.get()).id).toBe(h.merchant.id);
    const payer = await h.newPayer();
    for (const symbol of ["btc", "eth"]) {
      const { header } = await h.signPayment(
        payer,
        await h.requirementsFor(`/api/signal/${symbol}`),
      );
      const res = await h.call(`/api/signal/${symbol}`, {
        headers: { "payment-signature": header },
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    const seen: { id: string; amountAtomic: string; decimals: number }[] = [];
    for await (const p of admin.payments.all({ limit: 1, status: "SETTLED" })) seen.push(p);
    expect(seen).toHaveLength(2);
    expect(new Set(seen.map((p) => p.id)).size).toBe(2);
    expect(seen.every((p) => p.amountAtomic === "10000" && p.decimals === 6)).toBe(true);
  });

  it("throws the API's error with its code, request id and field errors", async () => {
    const err = await admin.pricingRules
      .create({ pathPattern: "/bad", price: "-1", network: h.network, asset: h.token })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(X402AdminError);
    expect(err).toMatchObject({
      status: 400,
      code: "invalid_request",
      fieldErrors: { price: [expect.any(String)] },
    });
    expect((err as X402AdminError).requestId).toMatch(/^req_/);
  });
});
