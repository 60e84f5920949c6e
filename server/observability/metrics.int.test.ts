import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { createApiKey } from "@/server/api-keys/api-keys";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { testEnv, useTestDatabase } from "@/server/testing/int";
import { createWebhookEndpoint } from "@/server/webhooks/webhooks";

import { createMetrics } from "./metrics";
import { serveMetrics } from "./metrics-endpoint";
import { sampleValue, parsePrometheusText, type Sample } from "./prometheus-text";

// Traffic of every outcome through the real gateway (real DB, anvil, upstream), then one scrape of
// /api/metrics: each counter and histogram moved by exactly what the traffic should have moved it.

const database = useTestDatabase();
const TOKEN = "metrics-test-token-0123456789";

let h: GatewayHarness;
let payer: PrivateKeyAccount;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    merchant: { rateLimitPerMinute: 10_000, deferredSettlementOn: true },
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      { pathPattern: "/api/fail", method: "ANY", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/api/deferred/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "DEFERRED",
      },
    ],
  });
  payer = await h.newPayer();
  const owner = await database.db.membership.findFirstOrThrow({
    where: { merchantId: h.merchant.id },
    select: { userId: true },
  });
  await createWebhookEndpoint(
    { db: database.db, env: testEnv() },
    {
      merchantId: h.merchant.id,
      actor: { userId: owner.userId, role: "OWNER" },
      input: { url: "https://hooks.example.com/x", events: ["payment.settled"] },
    },
  );
});
afterAll(async () => {
  await h?.close();
});

async function scrape(token: string | null = TOKEN): Promise<Response> {
  return serveMetrics(
    { env: { METRICS_TOKEN: TOKEN }, metrics: h.runtime.metrics },
    new Request("http://gateway.test/api/metrics", {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );
}

async function samples(): Promise<Sample[]> {
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parsePrometheusText(await res.text());
}

async function pay(path: string, account = payer): Promise<Response> {
  const requirements = await h.requirementsFor(path);
  const { header } = await h.signPayment(account, requirements);
  return h.call(path, { headers: { "payment-signature": header } });
}

describe("/api/metrics", () => {
  it("answers 401 without the token or with a wrong one, and 401 when no token is configured", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("wrong-token-wrong-token")).status).toBe(401);
    const unconfigured = await serveMetrics(
      { env: {}, metrics: h.runtime.metrics },
      new Request("http://gateway.test/api/metrics", {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    expect(unconfigured.status).toBe(401);
    expect(await unconfigured.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("counts every gateway outcome, facilitator call, RPC call and queue by the traffic sent", async () => {
    const network = h.network;
    const before = await samples();
    const delta = (after: Sample[], name: string, labels: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    const rpcBefore = sampleValue(before, "x402_chain_rpc_errors_total", {
      network,
      method: "eth_getBalance",
    });

    // 3 free, 2 unpaid (402), 2 paid, 1 replay, 1 refused by the facilitator (no funds),
    // 1 paid call whose upstream fails, 1 owner call, then 1 rate-limited
    for (let i = 0; i < 3; i++) expect((await h.call(`/api/free/${i}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await h.call("/api/signal/btc")).status).toBe(402);
    // requirementsFor issues one more 402 per paid attempt below: counted in `unpaid`
    let unpaid = 2;
    const paidOnce = await h.requirementsFor("/api/signal/btc");
    unpaid += 1;
    const first = await h.signPayment(payer, paidOnce);
    expect(
      (await h.call("/api/signal/btc", { headers: { "payment-signature": first.header } })).status,
    ).toBe(200);
    expect((await pay("/api/signal/eth")).status).toBe(200);
    unpaid += 1;
    // a DEFERRED call: answered now (paid), verified locally, queued for the settlement queue
    const deferred = await pay("/api/deferred/btc");
    unpaid += 1;
    expect(deferred.status).toBe(200);
    expect(deferred.headers.get("x-x402-settlement")).toBe("deferred");
    const replay = await h.call("/api/signal/btc", {
      headers: { "payment-signature": first.header },
    });
    expect(replay.status).toBe(402);
    const broke = await h.newPayer("0");
    const refused = await pay("/api/signal/sol", broke);
    unpaid += 1;
    expect(refused.status).toBe(402);
    const refusedReason = ((await refused.json()) as { error: string }).error;
    expect((await pay("/api/fail")).status).toBe(500);
    unpaid += 1;
    const owner = await database.db.membership.findFirstOrThrow({
      where: { merchantId: h.merchant.id },
      select: { userId: true },
    });
    const { key } = await createApiKey(h.runtime, {
      merchantId: h.merchant.id,
      actor: { userId: owner.userId, role: "OWNER" },
      grantor: { kind: "role", role: "OWNER" },
      name: "metrics",
    });
    expect((await h.call("/api/free/owner", { headers: { "x-api-key": key } })).status).toBe(200);
    // an RPC call that fails: counted as an error of its method and network
    const client = h.runtime.chains.forNetwork(network)?.publicClient;
    await expect(
      client?.request({
        method: "eth_getBalance",
        params: ["0xnot-an-address" as `0x${string}`, "latest"],
      }),
    ).rejects.toThrow();
    await database.db.merchant.update({
      where: { id: h.merchant.id },
      data: { rateLimitPerMinute: 1 },
    });
    h.runtime.merchants.invalidate(h.merchant.id);
    // whatever the bucket holds at the switch, calls are served until one is refused
    let limited = 0;
    let servedBeforeLimit = 0;
    for (let i = 0; i < 5 && limited === 0; i++) {
      const status = (await h.call("/api/free/limited")).status;
      if (status === 429) limited += 1;
      else servedBeforeLimit += 1;
    }
    expect(limited).toBe(1);
    await h.runtime.usage.flush();

    const after = await samples();
    const requests = (outcome: string, reason: string) =>
      delta(after, "x402_gateway_requests_total", { outcome, reason });
    expect(requests("free", "none")).toBe(3 + servedBeforeLimit);
    expect(requests("payment_required", "payment_required")).toBe(unpaid);
    expect(requests("paid", "none")).toBe(3);
    expect(requests("rejected", "payment_replayed")).toBe(1);
    expect(requests("rejected", refusedReason)).toBe(1);
    expect(requests("upstream_error", "upstream_error")).toBe(1);
    expect(requests("owner", "none")).toBe(1);
    expect(requests("rate_limited", "rate_limited")).toBe(1);
    // free + unpaid + paid + replay + refused + failing upstream + owner + rate-limited
    const total = 3 + servedBeforeLimit + unpaid + 3 + 1 + 1 + 1 + 1 + 1;
    expect(delta(after, "x402_gateway_request_duration_seconds_count", {})).toBe(total);
    expect(delta(after, "x402_gateway_request_duration_seconds_count", { outcome: "paid" })).toBe(
      3,
    );
    expect(delta(after, "x402_gateway_merchant_requests_total", {})).toBe(total);

    // verify: 2 paid + 1 refused + 1 for the failing upstream (the DEFERRED one was checked locally);
    // settle: the 2 paid (the DEFERRED one waits in its queue)
    expect(
      delta(after, "x402_facilitator_duration_seconds_count", {
        operation: "verify",
        facilitator: "local",
      }),
    ).toBe(4);
    expect(
      delta(after, "x402_facilitator_duration_seconds_count", {
        operation: "verify",
        facilitator: "local",
        result: "failed",
      }),
    ).toBe(1);
    expect(
      delta(after, "x402_facilitator_failures_total", {
        operation: "verify",
        facilitator: "local",
        reason: refusedReason,
      }),
    ).toBe(1);
    expect(
      delta(after, "x402_facilitator_duration_seconds_count", {
        operation: "settle",
        facilitator: "local",
        result: "ok",
      }),
    ).toBe(2);
    expect(delta(after, "x402_facilitator_failures_total", { operation: "settle" })).toBe(0);

    expect(delta(after, "x402_chain_rpc_requests_total", { network })).toBeGreaterThan(0);
    expect(
      sampleValue(after, "x402_chain_rpc_errors_total", { network, method: "eth_getBalance" }) -
        rpcBefore,
    ).toBe(1);
    // the refused payer's settlement simulation reverts on chain: an eth_call error, not a transport failure
    expect(delta(after, "x402_chain_rpc_errors_total", { network })).toBe(
      1 + delta(after, "x402_chain_rpc_errors_total", { network, method: "eth_call" }),
    );

    // the two settled payments each queued one payment.settled delivery (nothing sends them here)
    expect(sampleValue(after, "x402_queue_depth", { queue: "webhooks" })).toBe(2);
    expect(
      sampleValue(after, "x402_queue_oldest_age_seconds", { queue: "webhooks" }),
    ).toBeGreaterThanOrEqual(0);
    expect(sampleValue(after, "x402_queue_depth", { queue: "usage_writer" })).toBe(0);
    expect(sampleValue(after, "x402_queue_depth", { queue: "deferred_settlements" })).toBe(1);
    expect(
      sampleValue(after, "x402_queue_oldest_age_seconds", { queue: "deferred_settlements" }),
    ).toBeGreaterThan(0);
  });

  it("reports the database pool's connections by state", async () => {
    const pool = new pg.Pool({
      connectionString: "postgresql://postgres@127.0.0.1:5432/postgres",
      max: 3,
    });
    try {
      const metrics = createMetrics();
      metrics.registerDbPool(() => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
        max: 3,
      }));
      await Promise.all([pool.query("SELECT pg_sleep(0.05)"), pool.query("SELECT 1")]);
      const text = await metrics.registry?.metrics();
      const pooled = parsePrometheusText(text ?? "");
      expect(sampleValue(pooled, "x402_db_pool_connections", { state: "total" })).toBe(2);
      expect(sampleValue(pooled, "x402_db_pool_connections", { state: "idle" })).toBe(2);
      expect(sampleValue(pooled, "x402_db_pool_connections", { state: "waiting" })).toBe(0);
      expect(sampleValue(pooled, "x402_db_pool_connections", { state: "max" })).toBe(3);
    } finally {
      await pool.end();
    }
  });
});
