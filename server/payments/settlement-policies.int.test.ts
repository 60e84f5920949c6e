import { randomBytes } from "node:crypto";

import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { appendPaymentIdentifierToExtensions } from "@x402/extensions/payment-identifier";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createWalletClient, http, parseUnits, type Address } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { settleDeferredPayments, type DeferredQueueOptions } from "@/server/payments/deferred";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { merchantOwner, testDeps, useTestDatabase } from "@/server/testing/int";
import { createWebhookEndpoint } from "@/server/webhooks/webhooks";

// Settlement policies and idempotent retries on a real chain: payment identifiers (a retried paid
// request gets its recorded outcome, one charge), BEFORE_PROXY (settled first; an upstream failure
// afterwards is charged and recorded as refundable) and DEFERRED (answered at once, settled by the
// queue exactly once; a payer who drains its wallet first is recorded UNPAID and flagged).

const database = useTestDatabase();
let h: GatewayHarness;
const PRICE = 10_000n; // 0.01 in 6-decimal atomic units

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    // the upstream timeout bounds how long a held call stays in progress: room for a second call to arrive
    merchant: {
      upstreamTimeoutMs: 2_000,
      deferredSettlementOn: true,
      maxUnsettledPerPayer: "20000",
    },
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      { pathPattern: "/api/slow/*", method: "GET", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/api/fail/*",
        method: "ANY",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BEFORE_PROXY",
      },
      {
        pathPattern: "/api/slow/before/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BEFORE_PROXY",
        priority: 10,
      },
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
  const owner = await merchantOwner(database.db, h.merchant.id);
  await createWebhookEndpoint(testDeps(database.db), {
    merchantId: h.merchant.id,
    actor: { userId: owner.id, role: "OWNER" },
    input: {
      url: "https://hooks.example.com/x402",
      events: ["payment.refundable", "payment.unpaid", "payment.settled"],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const paymentId = () => `order_${randomBytes(12).toString("hex")}`;

async function paidCall(
  payer: PrivateKeyAccount,
  path: string,
  opts: { paymentIdentifier?: string } = {},
) {
  const requirements = await h.requirementsFor(path);
  const { header, nonce } = await h.signPayment(payer, requirements, {
    paymentIdentifier: opts.paymentIdentifier,
  });
  return { header, nonce, send: () => h.call(path, { headers: { "payment-signature": header } }) };
}

function runQueue(
  options: DeferredQueueOptions & {
    now?: () => Date;
    afterSettleHook?: (id: string) => Promise<void>;
  } = {},
) {
  const { now, afterSettleHook, ...queue } = options;
  return settleDeferredPayments(
    {
      db: database.db,
      env: h.runtime.env,
      chains: h.runtime.chains,
      facilitators: h.runtime.facilitators,
      log: h.runtime.log,
      now: now ?? (() => new Date()),
      afterSettleHook,
    },
    { leaseMs: 0, ...queue },
  );
}

const chargesOf = (payer: Address) =>
  database.db.ledgerEntry.count({
    where: { merchantId: h.merchant.id, type: "CHARGE", payment: { payer: payer.toLowerCase() } },
  });

describe("a payment identifier", () => {
  it("makes a retried paid request return its recorded outcome, charged once", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const call = await paidCall(payer, "/api/signal/eth", { paymentIdentifier: paymentId() });
    const first = await call.send();
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const seenBefore = h.upstream.seen.length;

    const retry = await call.send();
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe(firstBody);
    expect(retry.headers.get("x-x402-idempotent-replay")).toBe("true");
    expect(retry.headers.get("payment-response")).toBe(first.headers.get("payment-response"));
    expect(h.upstream.seen.length).toBe(seenBefore); // the upstream did not work twice

    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("is attached by @x402/fetch when the 402 declares it, and its retry is not charged again", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const id = paymentId();
    const sent: Headers[] = [];
    const gatewayFetch: typeof fetch = async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      sent.push(new Headers(request.headers));
      return handleGatewayRequest(h.runtime, request, { merchantId: h.merchant.id });
    };
    const client = new x402Client();
    registerExactEvmScheme(client, { signer: payer });
    client.setSpendControls({
      allowedAssets: [
        {
          network: h.network as `${string}:${string}`,
          asset: h.token,
          maxAmountPerPayment: "1000000",
        },
      ],
    });
    client.registerExtension({
      key: "payment-identifier",
      enrichPaymentPayload: async (payload, required) => ({
        ...payload,
        extensions: appendPaymentIdentifierToExtensions({ ...(required.extensions ?? {}) }, id),
      }),
    });
    const paid = await wrapFetchWithPayment(gatewayFetch, client)(h.url("/api/signal/btc"));
    expect(paid.status).toBe(200);
    const body = await paid.json();

    // the network failed after the gateway charged: the client sends the same paid request again
    const signature = sent.at(-1)?.get("payment-signature");
    expect(
      JSON.parse(Buffer.from(signature ?? "", "base64").toString("utf8")).extensions[
        "payment-identifier"
      ].info.id,
    ).toBe(id);
    const retried = await h.call("/api/signal/btc", {
      headers: { "payment-signature": signature ?? "" },
    });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual(body);
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("refuses the same identifier with a different payment: 409, nothing charged for it", async () => {
    const payer = await h.newPayer("1");
    const id = paymentId();
    expect(
      (await (await paidCall(payer, "/api/signal/sol", { paymentIdentifier: id })).send()).status,
    ).toBe(200);
    const afterFirst = await h.balanceOf(payer.address);

    const other = await (
      await paidCall(payer, "/api/signal/sol", { paymentIdentifier: id })
    ).send();
    expect(other.status).toBe(409);
    const body = (await other.json()) as {
      error: { code: string; details: { paymentId: string } };
    };
    expect(body.error.code).toBe("payment_identifier_conflict");
    expect(body.error.details.paymentId).toMatch(/^pay_/);
    expect(await h.balanceOf(payer.address)).toBe(afterFirst);
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("answers 409 payment_in_progress while the first attempt is still running, then the recorded outcome", async () => {
    const payer = await h.newPayer("1");
    const call = await paidCall(payer, "/api/slow/a?hold=1", { paymentIdentifier: paymentId() });
    const first = call.send();
    // the first attempt is at the upstream, which holds it: its payment is reserved and unfinished
    await h.upstream.arrived("/api/slow/a?hold=1");
    const during = await call.send();
    expect(during.status).toBe(409);
    expect(during.headers.get("retry-after")).toBe("1");
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe(
      "payment_in_progress",
    );
    h.upstream.releaseHeld();
    const done = await first;
    expect(done.status).toBe(200);
    const after = await call.send();
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(await done.json());
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("is free again when its first attempt was not charged (the upstream timed out)", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const call = await paidCall(payer, "/api/slow/b?hold=1", { paymentIdentifier: paymentId() });
    expect((await call.send()).status).toBe(504);
    // the retry is a new attempt of the same payment (not a 409): it times out again, still uncharged
    expect((await call.send()).status).toBe(504);
    expect(await h.balanceOf(payer.address)).toBe(before);
    expect(await chargesOf(payer.address)).toBe(0);
  });
});

describe("BEFORE_PROXY", () => {
  it("charges before the upstream works; an upstream 500 afterwards is recorded as refundable", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const res = await (await paidCall(payer, "/api/fail/now")).send();
    expect(res.status).toBe(500);
    expect(res.headers.get("payment-response")).toBeTruthy();
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);

    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment).toMatchObject({
      status: "SETTLED",
      settlementPolicy: "BEFORE_PROXY",
      refundDueReason: "upstream answered 500 after settlement",
    });
    const usage = await database.db.usageRecord.findFirstOrThrow({
      where: { paymentId: payment.id },
    });
    expect(usage).toMatchObject({ status: "CHARGED", reason: "refund_due", upstreamStatus: 500 });
    const hook = await database.db.webhookDelivery.findFirst({
      where: {
        merchantId: h.merchant.id,
        eventType: "payment.refundable",
        eventId: `${payment.id}:payment.refundable`,
      },
    });
    expect(hook?.payload).toMatchObject({
      data: { paymentId: payment.id, reason: "upstream answered 500 after settlement" },
    });
  });

  it("an upstream timeout after settlement is a 504-class JSON error that says the payment is due back", async () => {
    const payer = await h.newPayer("1");
    const res = await (await paidCall(payer, "/api/slow/before/x?hold=1")).send();
    expect(res.status).toBe(502);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { refundDue: boolean; paymentId: string } };
    };
    expect(body.error).toMatchObject({ code: "upstream_error", details: { refundDue: true } });
    expect(body.error.message).toMatch(/recorded for refund/);
    const payment = await database.db.payment.findUniqueOrThrow({
      where: { id: body.error.details.paymentId },
    });
    expect(payment).toMatchObject({
      status: "SETTLED",
      refundDueReason: "upstream timeout after settlement",
    });
    expect(await chargesOf(payer.address)).toBe(1);
  });
});

describe("DEFERRED", () => {
  it("answers at once, and the queue settles the payment exactly once with the call's usage", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const res = await (await paidCall(payer, "/api/deferred/eth")).send();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-x402-settlement")).toBe("deferred");
    const requestId = res.headers.get("x-request-id");
    expect(await h.balanceOf(payer.address)).toBe(before); // nothing moved yet

    const queued = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(queued).toMatchObject({ status: "VERIFIED", settlementPolicy: "DEFERRED" });

    const run = await runQueue();
    expect(run.settled).toBeGreaterThanOrEqual(1);
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    const settled = await database.db.payment.findUniqueOrThrow({ where: { id: queued.id } });
    expect(settled.status).toBe("SETTLED");
    expect(settled.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(
      await database.db.usageRecord.findFirstOrThrow({ where: { paymentId: queued.id } }),
    ).toMatchObject({ status: "CHARGED", requestId, path: "/api/deferred/eth", httpStatus: 200 });

    await runQueue();
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("records a transfer that went out before a crash from the chain instead of sending it again", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    expect((await (await paidCall(payer, "/api/deferred/btc")).send()).status).toBe(200);
    const crashed = await runQueue({
      afterSettleHook: async () => {
        throw new Error("the process died between settle and record");
      },
    });
    expect(crashed.errors).toBeGreaterThanOrEqual(1);
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    expect(
      await database.db.payment.count({
        where: { payer: payer.address.toLowerCase(), status: "SETTLED" },
      }),
    ).toBe(0);

    await runQueue();
    expect(
      await database.db.payment.count({
        where: { payer: payer.address.toLowerCase(), status: "SETTLED" },
      }),
    ).toBe(1);
    expect(await h.balanceOf(payer.address)).toBe(before - PRICE);
    expect(await chargesOf(payer.address)).toBe(1);
  });

  it("settles after success instead once a payer's unsettled exposure would pass the merchant's cap", async () => {
    const payer = await h.newPayer("1");
    const policies: string[] = [];
    for (const symbol of ["a", "b", "c"]) {
      const res = await (await paidCall(payer, `/api/deferred/${symbol}`)).send();
      expect(res.status).toBe(200);
      policies.push(res.headers.get("x-x402-settlement") ?? "settled");
    }
    // the cap is 0.02: two deferred calls fit, the third is settled before it is answered
    expect(policies).toEqual(["deferred", "deferred", "settled"]);
    await runQueue();
    expect(
      await database.db.payment.count({
        where: { payer: payer.address.toLowerCase(), status: "SETTLED" },
      }),
    ).toBe(3);
  });

  it("a payer who drains its wallet before settlement: usage UNPAID, payer flagged, webhook sent; its next call settles first", async () => {
    const payer = await h.newPayer("0.01");
    const res = await (await paidCall(payer, "/api/deferred/drain")).send();
    expect(res.status).toBe(200);
    const wallet = createWalletClient({
      account: payer,
      chain: h.publicClient.chain,
      transport: http(h.rpcUrl),
    });
    const sweep = await wallet.writeContract({
      address: h.token,
      abi: TEST_USDC_ABI,
      functionName: "transfer",
      args: ["0x000000000000000000000000000000000000dEaD", PRICE],
      chain: h.publicClient.chain,
      account: payer,
    });
    await h.publicClient.waitForTransactionReceipt({ hash: sweep });

    const first = await runQueue({ maxAttempts: 2, retryBaseMs: 1_000 });
    expect(first.retried).toBeGreaterThanOrEqual(1);
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment.status).toBe("VERIFIED");

    // the second attempt (after the backoff) is the last
    const later = () => new Date(Date.now() + 5_000);
    const last = await runQueue({ maxAttempts: 2, retryBaseMs: 1_000, now: later });
    expect(last.unpaid).toBeGreaterThanOrEqual(1);
    expect(
      await database.db.payment.findUniqueOrThrow({ where: { id: payment.id } }),
    ).toMatchObject({ status: "FAILED" });
    expect(
      await database.db.usageRecord.findFirstOrThrow({ where: { paymentId: payment.id } }),
    ).toMatchObject({ status: "UNPAID", path: "/api/deferred/drain" });
    expect(
      await database.db.payerFlag.findUnique({ where: { paymentId: payment.id } }),
    ).toMatchObject({ payer: payer.address.toLowerCase() });
    const hook = await database.db.webhookDelivery.findFirst({
      where: {
        merchantId: h.merchant.id,
        eventType: "payment.unpaid",
        eventId: `${payment.id}:payment.unpaid`,
      },
    });
    expect(hook?.payload).toMatchObject({
      data: { paymentId: payment.id, payer: payer.address.toLowerCase() },
    });
    expect(await chargesOf(payer.address)).toBe(0);

    // topped up again, the flagged payer's next DEFERRED call is settled before it is answered
    const minter = createWalletClient({
      account: payer,
      chain: h.publicClient.chain,
      transport: http(h.rpcUrl),
    });
    const mint = await minter.writeContract({
      address: h.token,
      abi: TEST_USDC_ABI,
      functionName: "mint",
      args: [payer.address, parseUnits("1", 6)],
      chain: h.publicClient.chain,
      account: payer,
    });
    await h.publicClient.waitForTransactionReceipt({ hash: mint });
    const next = await (await paidCall(payer, "/api/deferred/again")).send();
    expect(next.status).toBe(200);
    expect(next.headers.get("x-x402-settlement")).toBeNull();
    expect(
      await database.db.payment.count({
        where: {
          payer: payer.address.toLowerCase(),
          status: "SETTLED",
          settlementPolicy: "AFTER_SUCCESS",
        },
      }),
    ).toBe(1);
  });

  it("a replayed deferred payment is refused while it waits in the queue", async () => {
    const payer = await h.newPayer("1");
    const call = await paidCall(payer, "/api/deferred/replay");
    expect((await call.send()).status).toBe(200);
    const replay = await call.send();
    expect(replay.status).toBe(402);
    await runQueue();
    expect(await chargesOf(payer.address)).toBe(1);
  });
});
