import { createWalletClient, http, parseSignature, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { TEST_USDC_EIP712 } from "@/server/chain/test-usdc";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { settleDeferredPayments } from "./deferred";

// Issue 24 item 5: DEFERRED exposure is bounded under concurrency (the exposure check and the
// reservation are one atomic step per merchant and payer), and an authorization that is already
// used or cancelled on chain is refused before the call is served, or — when it is cancelled after
// serving — recorded unpaid by the queue instead of being retried forever. Runs on PGlite, and on
// PostgreSQL when DATABASE_URL names one.

const database = useTestDatabase();
let h: GatewayHarness;
const PRICE = 10_000n;
const CAP = 5n * PRICE;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    merchant: {
      deferredSettlementOn: true,
      maxUnsettledPerPayer: CAP.toString(),
      rateLimitPerMinute: 100_000,
    },
    rules: [
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
});
afterAll(async () => {
  await h?.close();
});

const runQueue = (now = new Date()) =>
  settleDeferredPayments(
    {
      db: database.db,
      env: h.runtime.env,
      chains: h.runtime.chains,
      facilitators: h.runtime.facilitators,
      log: h.runtime.log,
      now: () => now,
    },
    { leaseMs: 0 },
  );

async function signed(payer: PrivateKeyAccount, path: string) {
  const requirements = await h.requirementsFor(path);
  return h.signPayment(payer, requirements);
}

/** The payer cancels its own authorization on chain (EIP-3009 cancelAuthorization). */
async function cancelOnChain(payer: PrivateKeyAccount, nonce: Hex) {
  const signature = await payer.signTypedData({
    domain: { ...TEST_USDC_EIP712, chainId: h.chainId, verifyingContract: h.token },
    types: {
      CancelAuthorization: [
        { name: "authorizer", type: "address" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    primaryType: "CancelAuthorization",
    message: { authorizer: payer.address, nonce },
  });
  const { v, r, s } = parseSignature(signature);
  const wallet = createWalletClient({
    account: payer,
    chain: h.publicClient.chain,
    transport: http(h.rpcUrl),
  });
  const hash = await wallet.writeContract({
    address: h.token,
    abi: TEST_USDC_ABI,
    functionName: "cancelAuthorization",
    args: [payer.address, nonce, Number(v), r, s],
    chain: h.publicClient.chain,
    account: payer,
  });
  await h.publicClient.waitForTransactionReceipt({ hash });
}

describe("the per-payer cap under concurrency", () => {
  it("50 concurrent calls against a cap of 5 calls: exactly 5 are served deferred, the rest settle before they are answered", async () => {
    const payer = await h.newPayer("10");
    const headers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signed(payer, `/api/deferred/c${i}`)),
    );
    const responses = await Promise.all(
      headers.map(({ header }, i) =>
        h.call(`/api/deferred/c${i}`, { headers: { "payment-signature": header } }),
      ),
    );
    const served = responses.map((r) => r.status);
    expect(served.every((s) => s === 200)).toBe(true);
    const deferred = responses.filter(
      (r) => r.headers.get("x-x402-settlement") === "deferred",
    ).length;
    await Promise.all(responses.map((r) => r.body?.cancel()));
    expect(deferred).toBe(5);

    const payments = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
      select: { settlementPolicy: true, status: true },
    });
    expect(payments.filter((p) => p.settlementPolicy === "DEFERRED")).toHaveLength(5);
    expect(
      payments.filter((p) => p.settlementPolicy === "AFTER_SUCCESS" && p.status === "SETTLED"),
    ).toHaveLength(45);

    expect(await runQueue()).toMatchObject({ settled: 5, errors: 0 });
    expect(
      await database.db.payment.count({
        where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase(), status: "SETTLED" },
      }),
    ).toBe(50);
  });
});

describe("admissions merged into one transaction", () => {
  it("one authorization sent 10 times at once among other calls: served once, the copies refused as replays, one charge", async () => {
    const payer = await h.newPayer("10");
    const replayed = await signed(payer, "/api/deferred/r");
    const others = await Promise.all(
      Array.from({ length: 3 }, (_, i) => signed(payer, `/api/deferred/o${i}`)),
    );
    // the copies and the other calls arrive together, so they share admission transactions
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        h.call("/api/deferred/r", { headers: { "payment-signature": replayed.header } }),
      ),
      ...others.map(({ header }, i) =>
        h.call(`/api/deferred/o${i}`, { headers: { "payment-signature": header } }),
      ),
    ]);
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.body?.cancel()));
    expect(statuses.slice(0, 10).filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.slice(0, 10).filter((s) => s === 402)).toHaveLength(9);
    expect(statuses.slice(10)).toEqual([200, 200, 200]);
    const payments = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
      select: { settlementPolicy: true, status: true },
    });
    // the cap (5 calls) holds: the 4 served calls are all deferred
    expect(payments.filter((p) => p.settlementPolicy === "DEFERRED")).toHaveLength(4);
    const before = await h.balanceOf(payer.address);
    expect(await runQueue()).toMatchObject({ settled: 4, errors: 0 });
    expect(before - (await h.balanceOf(payer.address))).toBe(4n * PRICE);
  });
});

describe("authorizations the chain already spent", () => {
  it("refuses a cancelled authorization before serving it: 402, the upstream never called, nothing queued", async () => {
    const payer = await h.newPayer("1");
    const { header, nonce } = await signed(payer, "/api/deferred/cancelled");
    await cancelOnChain(payer, nonce);
    const upstreamCalls = h.upstream.seen.length;
    const res = await h.call("/api/deferred/cancelled", {
      headers: { "payment-signature": header },
    });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error?: string };
    expect(body.error).toBe("invalid_exact_evm_nonce_already_used");
    expect(h.upstream.seen.length).toBe(upstreamCalls);
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment).toMatchObject({
      status: "FAILED",
      errorReason: "invalid_exact_evm_nonce_already_used",
    });
  });

  it("refuses an authorization already used in a transfer before serving it", async () => {
    const payer = await h.newPayer("1");
    const requirements = await h.requirementsFor("/api/deferred/used");
    const { header } = await h.signPayment(payer, requirements);
    // someone (here the facilitator, called directly) settles it first
    const payload = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
    expect(
      (await h.runtime.facilitators.local!.settle(payload, requirements as never)).success,
    ).toBe(true);
    const upstreamCalls = h.upstream.seen.length;
    const res = await h.call("/api/deferred/used", { headers: { "payment-signature": header } });
    expect(res.status).toBe(402);
    expect(h.upstream.seen.length).toBe(upstreamCalls);
  });

  it("an authorization cancelled after the call was served is recorded unpaid by the queue, not retried forever", async () => {
    const payer = await h.newPayer("1");
    const { header, nonce } = await signed(payer, "/api/deferred/cancel-later");
    const res = await h.call("/api/deferred/cancel-later", {
      headers: { "payment-signature": header },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-x402-settlement")).toBe("deferred");
    await res.body?.cancel();
    await cancelOnChain(payer, nonce);

    const run = await runQueue();
    expect(run).toMatchObject({ unpaid: 1, retried: 0, errors: 0 });
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment).toMatchObject({
      status: "FAILED",
      errorReason: "authorization_canceled",
      nextSettleAt: null,
    });
    expect(
      await database.db.usageRecord.findFirstOrThrow({
        where: { paymentId: payment.id, status: "UNPAID" },
      }),
    ).toMatchObject({ path: "/api/deferred/cancel-later" });
    expect(
      await database.db.payerFlag.findUnique({ where: { paymentId: payment.id } }),
    ).toMatchObject({ payer: payer.address.toLowerCase() });
    expect(await runQueue(new Date(Date.now() + 10 * 60_000))).toMatchObject({ claimed: 0 });
  });
});
