import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import {
  extractOffersFromPaymentRequired,
  extractReceiptFromResponse,
  extractReceiptPayload,
  findAcceptsObjectFromSignedOffer,
  verifyOfferSignatureJWS,
  verifyReceiptSignatureJWS,
  type JWSSignedReceipt,
  type SignedReceipt,
} from "@x402/extensions/offer-receipt";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createWalletClient, http } from "viem";
import { wrapFetchWithPayment as wrapFetchWithPaymentV1 } from "x402-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { receiptFromPaymentResponse, verifyReceipt } from "@/sdk/src/receipt";
import { getTransaction } from "@/server/billing/transactions";
import { settleDeferredPayments } from "@/server/payments/deferred";
import { handleGatewayNode } from "@/server/gateway/handle-request";
import { receiptDidDocument, rotateReceiptSigningKey } from "@/server/receipts/keys";
import { handleDidDocument } from "@/server/receipts/http";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// The `offer-receipt` extension end to end on anvil: the official client pays, the official
// extension's verify functions check our offers and receipts (resolving our did:web document over
// HTTP, as any verifier would), and so does our SDK.

const database = useTestDatabase();
let h: GatewayHarness;
let origin = "";
let server: ReturnType<typeof createServer>;

beforeAll(async () => {
  const ref: { h?: GatewayHarness } = {};
  // one socket for the gateway and its /.well-known/did.json: the kid's did:web names this origin
  server = createServer((req, res) => {
    const harness = ref.h;
    if (!harness) return void res.writeHead(503).end();
    if (req.url === "/.well-known/did.json") {
      void handleDidDocument(harness.deps).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers)).end(await r.text());
      });
      return;
    }
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(harness.runtime, req, res, { merchantId, origin });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await createGatewayHarness(database.db, {
    env: { GATEWAY_URL: origin },
    merchant: { deferredSettlementOn: true },
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      { pathPattern: "/api/echo", method: "POST", price: "0.05", network: "", asset: "" },
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
  ref.h = h;
  await h.runtime.receipts.ready();
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

function payingFetch(payer: Parameters<typeof registerExactEvmScheme>[1]["signer"]) {
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
  return wrapFetchWithPayment(fetch, client);
}

const resource = (path: string) => `${origin}/${h.merchant.id}${path}`;

async function paidReceipt(path = "/api/signal/btc") {
  const payer = await h.newPayer();
  const res = await payingFetch(payer)(resource(path));
  expect(res.status).toBe(200);
  await res.body?.cancel();
  const receipt = extractReceiptFromResponse(res);
  if (!receipt) throw new Error("the paid response carries no receipt");
  return {
    payer,
    receipt,
    settlement: decodePaymentResponseHeader(res.headers.get("payment-response") ?? ""),
  };
}

describe("signed offers in 402s", () => {
  it("a 402 carries one signed offer per accepts entry, which the official extension verifies via our did:web document", async () => {
    const res = await fetch(resource("/api/signal/btc"));
    expect(res.status).toBe(402);
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString(),
    ) as Parameters<typeof extractOffersFromPaymentRequired>[0];
    const offers = extractOffersFromPaymentRequired(required);
    expect(offers).toHaveLength(required.accepts.length);
    for (const offer of offers) {
      if (offer.format !== "jws") throw new Error("jws offers expected");
      // no key passed: the package resolves the kid (did:web:127.0.0.1%3A<port>) over HTTP
      const payload = await verifyOfferSignatureJWS(offer);
      expect(payload).toMatchObject({
        resourceUrl: resource("/api/signal/btc"),
        network: h.network,
        amount: "10000",
        asset: h.token,
      });
      expect(findAcceptsObjectFromSignedOffer(offer, required.accepts)).toBeDefined();
    }
    // the v1 body a v1 client reads carries the same offers
    const body = (await res.json()) as {
      x402Version: number;
      extensions?: Record<string, unknown>;
    };
    expect(body.extensions?.["offer-receipt"]).toEqual(required.extensions?.["offer-receipt"]);
  });
});

describe("signed receipts after settlement", () => {
  it("a paid call via @x402/fetch returns a receipt that the official extension and the SDK verify; it is stored with the payment", async () => {
    const { payer, receipt, settlement } = await paidReceipt();
    const official = await verifyReceiptSignatureJWS(receipt as JWSSignedReceipt);
    expect(official).toMatchObject({
      version: 1,
      network: h.network,
      resourceUrl: resource("/api/signal/btc"),
      transaction: settlement.transaction,
    });
    expect(official.payer.toLowerCase()).toBe(payer.address.toLowerCase());
    const keys = await receiptDidDocument(h.deps);
    expect(await verifyReceipt(receipt as JWSSignedReceipt, { keys })).toMatchObject({
      valid: true,
      payload: official,
    });
    // with no keys given, the SDK fetches the did:web document itself
    expect(await verifyReceipt(receipt as JWSSignedReceipt)).toMatchObject({ valid: true });
    const payment = await database.db.payment.findFirst({
      where: { txHash: settlement.transaction.toLowerCase() },
      select: { receipt: true },
    });
    expect(payment?.receipt).toEqual(receipt);
  });

  it("the transaction detail (console and REST API) shows the stored receipt as verified, and a tampered one as not", async () => {
    const { receipt, settlement } = await paidReceipt();
    const { id } = await database.db.payment.findFirstOrThrow({
      where: { txHash: settlement.transaction.toLowerCase() },
      select: { id: true },
    });
    const detail = await getTransaction(h.deps, { merchantId: h.merchant.id, paymentId: id });
    expect(detail.receipt).toMatchObject({
      format: "jws",
      signature: (receipt as JWSSignedReceipt).signature,
      verified: true,
    });
    expect(detail.receipt?.kid).toMatch(/^did:web:127\.0\.0\.1%3A\d+#rsk_/);
    const [head, , sig] = (receipt as JWSSignedReceipt).signature.split(".");
    const forged = Buffer.from(JSON.stringify({ payer: "0x0" })).toString("base64url");
    await database.db.payment.update({
      where: { id },
      data: { receipt: { format: "jws", signature: `${head}.${forged}.${sig}` } },
    });
    const tampered = await getTransaction(h.deps, { merchantId: h.merchant.id, paymentId: id });
    expect(tampered.receipt).toMatchObject({ verified: false, kid: null });
  });

  it("a tampered receipt fails both verifiers", async () => {
    const { receipt } = await paidReceipt();
    const [head, body, sig] = (receipt as JWSSignedReceipt).signature.split(".");
    const payload = JSON.parse(Buffer.from(body ?? "", "base64url").toString()) as object;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...payload, transaction: "0x00" })).toString("base64url")}.${sig}`;
    const tampered: SignedReceipt = { format: "jws", signature: forged };
    await expect(verifyReceiptSignatureJWS(tampered)).rejects.toThrow();
    expect(await verifyReceipt(tampered)).toMatchObject({ valid: false, reason: "bad_signature" });
  });

  it("a v1 client (x402-fetch) gets the receipt in X-PAYMENT-RESPONSE", async () => {
    const payer = await h.newPayer();
    const wallet = createWalletClient({
      account: payer,
      chain: h.publicClient.chain,
      transport: http(h.rpcUrl),
    });
    const res = await wrapFetchWithPaymentV1(
      fetch,
      wallet as never,
      100_000n,
    )(resource("/api/echo"), {
      method: "POST",
      body: "ping",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    const receipt = receiptFromPaymentResponse(res.headers.get("x-payment-response") ?? "");
    if (!receipt) throw new Error("no receipt in X-PAYMENT-RESPONSE");
    // the receipt names the network in CAIP-2 whatever the protocol generation (spec §5.2)
    expect(extractReceiptPayload(receipt as JWSSignedReceipt).network).toBe(h.network);
    expect(await verifyReceipt(receipt)).toMatchObject({ valid: true });
  });

  it("after a key rotation old receipts still verify and new ones are signed by the new key", async () => {
    const before = await paidReceipt();
    const oldKid = (await verifyReceipt(before.receipt as JWSSignedReceipt)) as { kid: string };
    const rotated = await rotateReceiptSigningKey(h.deps, { actor: { role: "SYSTEM" } });
    expect(rotated.retired).toEqual([oldKid.kid.split("#")[1]]);

    const after = await paidReceipt();
    const fresh = await verifyReceipt(after.receipt as JWSSignedReceipt);
    expect(fresh).toMatchObject({ valid: true, kid: `${oldKid.kid.split("#")[0]}#${rotated.id}` });
    // the old receipt, checked against the document as it is now
    expect(await verifyReceipt(before.receipt as JWSSignedReceipt)).toMatchObject({
      valid: true,
      kid: oldKid.kid,
    });
    await expect(
      verifyReceiptSignatureJWS(before.receipt as JWSSignedReceipt),
    ).resolves.toMatchObject({
      transaction: before.settlement.transaction,
    });
    // and a 402 now offers under the new key
    const res = await fetch(resource("/api/signal/eth"));
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString(),
    ) as Parameters<typeof extractOffersFromPaymentRequired>[0];
    const [offer] = extractOffersFromPaymentRequired(required);
    expect(offer && offer.format === "jws" && offer.signature.split(".")[0]).toBe(
      after.receipt.format === "jws" && after.receipt.signature.split(".")[0],
    );
  });
});

describe("signed receipts for DEFERRED calls", () => {
  it("a DEFERRED call's answer carries a receipt with no transaction, which both verifiers accept; the queue's settlement keeps it", async () => {
    const payer = await h.newPayer();
    const res = await payingFetch(payer)(resource("/api/deferred/eth"));
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect(res.headers.get("x-x402-settlement")).toBe("deferred");
    const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, transaction: "" });
    const receipt = extractReceiptFromResponse(res);
    if (!receipt) throw new Error("the DEFERRED answer carries no receipt");

    // what it states: this payer was served this resource on this network; no transaction yet
    const official = await verifyReceiptSignatureJWS(receipt as JWSSignedReceipt);
    expect(official).toMatchObject({
      version: 1,
      network: h.network,
      resourceUrl: resource("/api/deferred/eth"),
    });
    expect(official.payer.toLowerCase()).toBe(payer.address.toLowerCase());
    expect(official).not.toHaveProperty("transaction");
    const verified = await verifyReceipt(receipt as JWSSignedReceipt);
    expect(verified).toMatchObject({ valid: true });
    expect(verified.valid && verified.payload.transaction).toBeUndefined();

    // stored with the queued payment: the transaction page shows it before and after settlement
    const queued = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(queued).toMatchObject({ status: "VERIFIED", settlementPolicy: "DEFERRED", receipt });
    const before = await getTransaction(h.deps, {
      merchantId: h.merchant.id,
      paymentId: queued.id,
    });
    expect(before.receipt).toMatchObject({
      signature: (receipt as JWSSignedReceipt).signature,
      verified: true,
    });

    const run = await settleDeferredPayments(
      {
        db: database.db,
        env: h.runtime.env,
        chains: h.runtime.chains,
        facilitators: h.runtime.facilitators,
        log: h.runtime.log,
        now: () => new Date(),
      },
      { leaseMs: 0 },
    );
    expect(run.settled).toBeGreaterThanOrEqual(1);
    const settled = await database.db.payment.findUniqueOrThrow({ where: { id: queued.id } });
    expect(settled.status).toBe("SETTLED");
    expect(settled.receipt).toEqual(receipt);
    const after = await getTransaction(h.deps, { merchantId: h.merchant.id, paymentId: queued.id });
    expect(after.receipt).toMatchObject({ verified: true });
  });
});
