import { describe, expect, it } from "vitest";

import { generateKeyPairSync } from "node:crypto";

import { didDocument, didWebOf, kidOf } from "@/server/receipts/did-document";
import { receiptExtension, signReceipt } from "@/server/receipts/offer-receipt";
import { encodePaymentResponse } from "@/server/x402/payment-header";

import { receiptFromPaymentResponse, verifyReceipt } from "../src/receipt";

// The SDK's receipt verifier against receipts the gateway's signer produces (server/receipts/).

const GATEWAY = "https://pay.example.com";
const did = didWebOf(GATEWAY);
const keyPair = (id: string) => {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    id,
    signer: { kid: kidOf(did, id), algorithm: "ES256" as const, privateKey: pair.privateKey },
    publicJwk: { ...pair.publicKey.export({ format: "jwk" }), kid: id },
  };
};
const current = keyPair("rsk_new");
const retired = keyPair("rsk_old");
const doc = didDocument(did, [
  { id: current.id, publicJwk: current.publicJwk, retiredAt: null, createdAt: new Date(2) },
  { id: retired.id, publicJwk: retired.publicJwk, retiredAt: new Date(3), createdAt: new Date(1) },
]);
const facts = {
  resourceUrl: `${GATEWAY}/mer_abc/api/signal/btc`,
  payer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  network: "eip155:8453",
  transaction: `0x${"ab".repeat(32)}`,
  issuedAt: new Date(1_800_000_000_000),
};
const receipt = signReceipt(current.signer, facts);

describe("verifyReceipt", () => {
  it("accepts a gateway receipt against its DID document and returns what it states", async () => {
    expect(await verifyReceipt(receipt, { keys: doc })).toEqual({
      valid: true,
      kid: `${did}#rsk_new`,
      payload: {
        version: 1,
        network: "eip155:8453",
        resourceUrl: facts.resourceUrl,
        payer: facts.payer,
        issuedAt: 1_800_000_000,
        transaction: facts.transaction,
      },
    });
  });

  it("accepts a receipt of a retired key, a JWKS, and a bare JWS string", async () => {
    const old = signReceipt(retired.signer, facts);
    expect(await verifyReceipt(old, { keys: doc })).toMatchObject({ valid: true });
    expect(
      await verifyReceipt(receipt.signature, { keys: { keys: [current.publicJwk] } }),
    ).toMatchObject({ valid: true });
  });

  it("fetches the did:web document the kid names when no keys are given", async () => {
    const asked: string[] = [];
    const fetchDoc = (url: string | URL | Request) => {
      asked.push(String(url));
      return Promise.resolve(Response.json(doc));
    };
    expect(await verifyReceipt(receipt, { fetch: fetchDoc as typeof fetch })).toMatchObject({
      valid: true,
    });
    expect(
      await verifyReceipt(receipt, {
        keysUrl: "https://keys.example/did.json",
        fetch: fetchDoc as typeof fetch,
      }),
    ).toMatchObject({ valid: true });
    expect(asked).toEqual([
      "https://pay.example.com/.well-known/did.json",
      "https://keys.example/did.json",
    ]);
  });

  it("refuses a tampered payload, an unknown key, a foreign resource host and an old receipt", async () => {
    const [h, p, s] = receipt.signature.split(".");
    const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString()) as object;
    const forged = Buffer.from(JSON.stringify({ ...payload, payer: "0xdead" })).toString(
      "base64url",
    );
    expect(await verifyReceipt(`${h}.${forged}.${s}`, { keys: doc })).toMatchObject({
      valid: false,
      reason: "bad_signature",
    });
    expect(await verifyReceipt(receipt, { keys: [retired.publicJwk] })).toMatchObject({
      valid: false,
      reason: "unknown_key",
    });
    const elsewhere = signReceipt(current.signer, {
      ...facts,
      resourceUrl: "https://evil.example/x",
    });
    expect(await verifyReceipt(elsewhere, { keys: doc })).toMatchObject({
      valid: false,
      reason: "signer_not_authorized",
    });
    expect(
      await verifyReceipt(receipt, {
        keys: doc,
        maxAgeSeconds: 60,
        now: new Date(1_800_000_061_000),
      }),
    ).toMatchObject({ valid: false, reason: "too_old" });
    expect(await verifyReceipt("not-a-jws", { keys: doc })).toMatchObject({
      valid: false,
      reason: "malformed",
    });
  });

  it("reports keys it could not fetch", async () => {
    const down = () => Promise.resolve(new Response("no", { status: 503 }));
    expect(await verifyReceipt(receipt, { fetch: down as typeof fetch })).toMatchObject({
      valid: false,
      reason: "keys_unavailable",
    });
  });
});

describe("receiptFromPaymentResponse", () => {
  it("reads the receipt out of a settlement header, and nothing out of one without", () => {
    const settlement = { success: true, transaction: facts.transaction, network: "eip155:8453" };
    const withReceipt = encodePaymentResponse(2, {
      ...settlement,
      network: "eip155:8453",
      extensions: { "offer-receipt": receiptExtension(receipt) },
    });
    expect(receiptFromPaymentResponse(withReceipt.value)).toEqual(receipt);
    expect(
      receiptFromPaymentResponse(
        encodePaymentResponse(2, { ...settlement, network: "eip155:8453" }).value,
      ),
    ).toBeUndefined();
    expect(receiptFromPaymentResponse("%%%")).toBeUndefined();
  });
});
