import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// Issue #20: one bucket per merchant, taken before the payment was looked at, let one client's
// 402 probes lock every paying buyer out. Limits are now per client and per payer, in an unpaid
// lane and a paying lane, set by the merchant and capped by the platform.

const database = useTestDatabase();

// the same behaviour from the per-process memory limiter and from Redis (what several instances share)
const REDIS_URL = inject("redisUrl");
const prefix = () => `t${randomBytes(4).toString("hex")}:`;
const LIMITERS: [string, Record<string, string>][] = [
  ["memory", { REDIS_KEY_PREFIX: prefix() }],
  ["Redis", { REDIS_URL, REDIS_KEY_PREFIX: prefix() }],
];

describe.each(LIMITERS)("the gateway's rate limits (%s)", (_limiter, env) => {
  let h: GatewayHarness;
  let owner: SessionUser;
  let admin: SessionUser;
  let buyers: PrivateKeyAccount[];

  beforeAll(async () => {
    h = await createGatewayHarness(database.db, { env });
    owner = await merchantOwner(database.db, h.merchant.id);
    admin = await signUpWithPassword(h.deps, {
      name: "Admin",
      email: uniqueEmail("admin"),
      password: "a long enough password",
      role: "PLATFORM_ADMIN",
    });
    buyers = await Promise.all([h.newPayer(), h.newPayer(), h.newPayer()]);
  });
  afterAll(async () => {
    await h?.close();
  });

  const asOwner = () => callerFor(h.deps, owner);
  const asAdmin = () => callerFor(h.deps, admin);
  const from = (ip: string, headers: Record<string, string> = {}) => ({
    headers: { "x-forwarded-for": ip, ...headers },
  });

  async function setLimits(rateLimits: {
    unpaidPerMerchant: number;
    unpaidPerClient: number;
    paidPerMerchant: number;
    paidPerPayer: number;
  }) {
    await asOwner().upstream.updateTraffic({
      merchantId: h.merchant.id,
      unmatchedMethods: "REFUSE",
      rateLimits,
    });
    h.runtime.merchants.invalidate(h.merchant.id);
  }

  async function pay(buyer: PrivateKeyAccount, ip: string, symbol: string) {
    const requirements = await h.requirementsFor(`/api/signal/${symbol}`, from("10.9.9.9"));
    const { header } = await h.signPayment(buyer, requirements);
    return h.call(`/api/signal/${symbol}`, from(ip, { "payment-signature": header }));
  }

  beforeEach(async () => {
    await setLimits({
      unpaidPerMerchant: 100_000,
      unpaidPerClient: 100_000,
      paidPerMerchant: 100_000,
      paidPerPayer: 100_000,
    });
  });

  it("answers one client's flood of unpaid probes with 429 + Retry-After, and serves other clients and paying buyers", async () => {
    await setLimits({
      unpaidPerMerchant: 1000,
      unpaidPerClient: 5,
      paidPerMerchant: 1000,
      paidPerPayer: 100,
    });
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await h.call("/api/signal/btc", from("203.0.113.7"));
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.text();
    }
    expect(statuses.slice(0, 5)).toEqual([402, 402, 402, 402, 402]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused?.json()).toMatchObject({
      error: { code: "rate_limited", details: { scope: "unpaid_client" } },
    });
    // another client still gets its 402, and a paying buyer on the probing client's own address is served
    expect((await h.call("/api/signal/btc", from("198.51.100.1"))).status).toBe(402);
    expect((await pay(buyers[0]!, "203.0.113.7", "eth")).status).toBe(200);
  });

  it("does not let probes from many clients use up the paying lane: a burst of distinct valid payments is served", async () => {
    await setLimits({
      unpaidPerMerchant: 4,
      unpaidPerClient: 100,
      paidPerMerchant: 1000,
      paidPerPayer: 100,
    });
    for (let i = 0; i < 8; i++)
      await (await h.call("/api/signal/btc", from(`192.0.2.${i + 1}`))).text();
    const probe = await h.call("/api/signal/btc", from("192.0.2.200"));
    expect(probe.status).toBe(429);
    expect(await probe.json()).toMatchObject({ error: { details: { scope: "unpaid_merchant" } } });
    // the payments are signed against the requirements the 402s above announced
    const signed = await Promise.all(
      buyers.flatMap((buyer) =>
        ["a", "b"].map(
          async () =>
            (
              await h.signPayment(buyer, {
                scheme: "exact",
                network: h.network,
                asset: h.token,
                amount: "10000",
                payTo: h.merchantWallet,
                maxTimeoutSeconds: 300,
                extra: { name: "USD Coin", version: "2" },
              })
            ).header,
        ),
      ),
    );
    const statuses = [];
    for (const header of signed)
      statuses.push(
        (await h.call("/api/signal/sol", from("192.0.2.50", { "payment-signature": header })))
          .status,
      );
    expect(statuses).toEqual(signed.map(() => 200));
  });

  it("limits each payer in the paying lane, refusing before anything is reserved or charged", async () => {
    await setLimits({
      unpaidPerMerchant: 1000,
      unpaidPerClient: 1000,
      paidPerMerchant: 1000,
      paidPerPayer: 2,
    });
    const buyer = buyers[1]!;
    const before = await h.balanceOf(buyer.address);
    const rows = () =>
      database.db.payment.count({
        where: { merchantId: h.merchant.id, payer: buyer.address.toLowerCase() },
      });
    const rowsBefore = await rows();
    const statuses = [];
    for (const symbol of ["btc", "eth", "sol"])
      statuses.push((await pay(buyer, `198.51.100.${statuses.length + 10}`, symbol)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(await h.balanceOf(buyer.address)).toBe(before - 20_000n);
    expect(await rows()).toBe(rowsBefore + 2);
  });

  it("lets the merchant set its limits up to the platform's caps, which an admin sets", async () => {
    const caps = await asAdmin().admin.settings.rateLimitCaps();
    expect(caps.unpaidPerClient).toBeGreaterThanOrEqual(1000);
    await asAdmin().admin.settings.setRateLimitCaps({ ...caps, unpaidPerClient: 3 });
    try {
      const tooHigh = asOwner().upstream.updateTraffic({
        merchantId: h.merchant.id,
        unmatchedMethods: "REFUSE",
        rateLimits: {
          unpaidPerMerchant: 100,
          unpaidPerClient: 10,
          paidPerMerchant: 100,
          paidPerPayer: 100,
        },
      });
      expect(await trpcErrorCode(tooHigh)).toBe("BAD_REQUEST");
      // a merchant whose limit was set higher before the cap was lowered gets the cap
      h.runtime.merchants.invalidate(h.merchant.id);
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await h.call("/api/signal/btc", from("203.0.113.99"))).status);
      expect(statuses).toEqual([402, 402, 402, 429, 429]);
      expect(await asOwner().upstream.traffic({ merchantId: h.merchant.id })).toMatchObject({
        caps: { unpaidPerClient: 3 },
        rateLimits: { unpaidPerClient: 100_000 },
      });
    } finally {
      await asAdmin().admin.settings.setRateLimitCaps(caps);
    }
  });
  it("keeps its buckets where the limiter says: in Redis when REDIS_URL is set, else in memory", async () => {
    await (await h.call("/api/signal/btc", from("203.0.113.250"))).text();
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}rl:*`);
      expect(keys.length > 0).toBe(env.REDIS_URL !== undefined);
    } finally {
      redis.disconnect();
    }
  });
});
