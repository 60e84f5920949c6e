import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { createPermit2ApprovalTx } from "@x402/evm";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { UptoEvmScheme } from "@x402/evm/upto/client";
import { toClientEvmSigner } from "@x402/evm";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createWalletClient, http, type PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";
import { officialScheme, X402Client } from "@/sdk/src";

// Metered pricing with the official `upto` scheme: @x402/fetch pays a Permit2 authorization for
// the rule's ceiling, the upstream reports what the call used in X-Usage-Amount, and the gateway
// settles that (capped by the ceiling) through the x402 upto proxy on anvil.

const database = useTestDatabase();
let h: GatewayHarness;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      {
        pathPattern: "/api/metered",
        method: "GET",
        price: "0.05",
        network: "",
        asset: "",
        meteringHeader: "X-Usage-Amount",
      },
      {
        pathPattern: "/api/metered/strict",
        method: "GET",
        price: "0.05",
        network: "",
        asset: "",
        meteringHeader: "X-Usage-Amount",
        meteringFallback: "REFUSE",
        priority: 1,
      },
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

const CEILING = 50_000n;

/** A buyer with test USDC that approved Permit2 once (the upto scheme pulls through it). */
async function approvingPayer(): Promise<PrivateKeyAccount> {
  const payer = await h.newPayer();
  const wallet = createWalletClient({
    account: payer,
    chain: h.publicClient.chain,
    transport: http(h.rpcUrl),
  });
  const hash = await wallet.sendTransaction({
    ...createPermit2ApprovalTx(h.token),
    chain: h.publicClient.chain,
  });
  await h.publicClient.waitForTransactionReceipt({ hash });
  return payer;
}

function uptoFetch(payer: PrivateKeyAccount) {
  const client = new x402Client().register(
    h.network as `${string}:${string}`,
    new UptoEvmScheme(toClientEvmSigner(payer, h.publicClient)),
  );
  registerExactEvmScheme(client, { signer: payer });
  client.setSpendControls({
    allowedAssets: [
      {
        network: h.network as `${string}:${string}`,
        asset: h.token,
        maxAmountPerPayment: "100000",
      },
    ],
  });
  return wrapFetchWithPayment(viaGateway, client);
}

/** The official client's fetch, answered by the real gateway handler in process. */
const viaGateway: typeof fetch = (input, init) =>
  handleGatewayRequest(h.runtime, new Request(input, init), { merchantId: h.merchant.id });

async function paymentOf(res: Response) {
  const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
  const payment = await database.db.payment.findFirstOrThrow({
    where: { merchantId: h.merchant.id, payer: settlement.payer?.toLowerCase() },
    orderBy: { createdAt: "desc" },
    include: { usageRecords: true },
  });
  return { settlement, payment };
}

describe("a metered rule paid with the official upto scheme", () => {
  it("offers upto with the ceiling and the facilitator that will settle it", async () => {
    const res = await h.call("/api/metered?used=1");
    expect(res.status).toBe(402);
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString("utf8"),
    );
    expect(required.accepts).toEqual([
      expect.objectContaining({
        scheme: "upto",
        amount: CEILING.toString(),
        extra: expect.objectContaining({
          assetTransferMethod: "permit2",
          facilitatorAddress: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
        }),
      }),
    ]);
  });

  it("settles on chain exactly what the upstream reported, and records that amount", async () => {
    const payer = await approvingPayer();
    const merchantBefore = await h.balanceOf(h.merchantWallet);
    const payerBefore = await h.balanceOf(payer.address);

    const res = await uptoFetch(payer)(h.url("/api/metered?used=1234"));

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metered: true, used: "1234" });
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore + 1234n);
    expect(payerBefore - (await h.balanceOf(payer.address))).toBe(1234n);
    const { settlement, payment } = await paymentOf(res);
    expect(settlement).toMatchObject({ success: true, amount: "1234" });
    expect(payment).toMatchObject({ status: "SETTLED", scheme: "upto" });
    expect(payment.amountAtomic.toFixed()).toBe("1234");
    expect(payment.usageRecords).toEqual([expect.objectContaining({ status: "CHARGED" })]);
    const credits = await database.db.ledgerEntry.findMany({
      where: { merchantId: h.merchant.id, paymentId: payment.id },
    });
    expect(credits.length).toBeGreaterThan(0);
    expect(credits.some((e) => e.amountAtomic.toFixed() === "1234")).toBe(true);
  });

  it("is paid by our SDK through the official upto client part, within the SDK's spending limit", async () => {
    const payer = await approvingPayer();
    const merchantBefore = await h.balanceOf(h.merchantWallet);
    const sdk = (maxAmount: string) =>
      new X402Client({
        endpoint: GATEWAY_ORIGIN,
        merchantId: h.merchant.id,
        wallet: payer,
        fetch: viaGateway,
        maxAmount: { USDC: maxAmount },
        assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
        schemes: [officialScheme(new UptoEvmScheme(toClientEvmSigner(payer, h.publicClient)))],
      });

    // the ceiling is what the buyer authorizes, so it is what the limit is checked against
    await expect(sdk("0.01").request({ path: "/api/metered?used=700" })).rejects.toMatchObject({
      code: "amount_limit",
    });
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore);

    const res = await sdk("0.05").request({
      path: "/api/metered?used=700",
      responseType: "json",
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ metered: true, used: "700" });
    expect(res.payment).toMatchObject({ success: true, amount: "700" });
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore + 700n);
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment).toMatchObject({ status: "SETTLED", scheme: "upto" });
    expect(payment.amountAtomic.toFixed()).toBe("700");
  });

  it("refuses a buyer who has not approved Permit2, before the upstream is called", async () => {
    const payer = await h.newPayer();
    const before = h.upstream.seen.length;

    const res = await uptoFetch(payer)(h.url("/api/metered?used=5"));

    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: "permit2_allowance_required" });
    expect(h.upstream.seen.length).toBe(before);
  });

  it("caps an upstream that reports more than the ceiling at the ceiling", async () => {
    const payer = await approvingPayer();
    const merchantBefore = await h.balanceOf(h.merchantWallet);

    const res = await uptoFetch(payer)(h.url("/api/metered?used=999999999"));

    expect(res.status).toBe(200);
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore + CEILING);
    const { payment } = await paymentOf(res);
    expect(payment.amountAtomic.toFixed()).toBe(CEILING.toString());
  });

  it("charges the ceiling when the header is missing, or refuses with nothing charged when the rule says so", async () => {
    const payer = await approvingPayer();
    const merchantBefore = await h.balanceOf(h.merchantWallet);
    const pay = uptoFetch(payer);

    const fallback = await pay(h.url("/api/metered"));
    expect(fallback.status).toBe(200);
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore + CEILING);

    const refused = await pay(h.url("/api/metered/strict"));
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: "upstream_unmetered" } });
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore + CEILING);
    const released = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase(), status: "FAILED" },
    });
    expect(released.errorReason).toBe("metering_header_missing");
  });

  it("settles nothing and records zero for a call that used nothing", async () => {
    const payer = await approvingPayer();
    const payerBefore = await h.balanceOf(payer.address);

    const res = await uptoFetch(payer)(h.url("/api/metered?used=0"));

    expect(res.status).toBe(200);
    expect(await h.balanceOf(payer.address)).toBe(payerBefore);
    const { settlement, payment } = await paymentOf(res);
    expect(settlement).toMatchObject({ success: true, transaction: "", amount: "0" });
    expect(payment).toMatchObject({ status: "SETTLED", txHash: null });
    expect(payment.amountAtomic.toFixed()).toBe("0");
  });

  it("refuses the same authorization a second time, and an exact payment on a metered route", async () => {
    const payer = await approvingPayer();
    let sent: string | null = null;
    const client = new x402Client().register(
      h.network as `${string}:${string}`,
      new UptoEvmScheme(toClientEvmSigner(payer, h.publicClient)),
    );
    client.setSpendControls({
      allowedAssets: [{ network: h.network as `${string}:${string}`, asset: h.token }],
    });
    const recording: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      sent = request.headers.get("payment-signature") ?? sent;
      return viaGateway(request);
    };
    const first = await wrapFetchWithPayment(recording, client)(h.url("/api/metered?used=10"));
    expect(first.status).toBe(200);
    expect(sent).not.toBeNull();
    const merchantAfterFirst = await h.balanceOf(h.merchantWallet);

    const replay = await h.call("/api/metered?used=10", {
      headers: { "payment-signature": sent ?? "" },
    });
    expect(replay.status).toBe(402);
    expect(await replay.json()).toMatchObject({ error: "payment_replayed" });
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantAfterFirst);

    // an EIP-3009 (exact) authorization for the ceiling does not pay a metered route
    const offered = await h.requirementsFor("/api/metered?used=10");
    const exact = await h.signPayment(payer, { ...offered, scheme: "exact" } as never);
    const refused = await h.call("/api/metered?used=10", {
      headers: { "payment-signature": exact.header },
    });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "unsupported_scheme" });
  });
});
