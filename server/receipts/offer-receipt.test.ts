import {
  createJWS,
  createOfferReceiptExtension,
  createJWSOfferReceiptIssuer,
  extractJWSHeader,
  extractOfferPayload,
  verifyOfferSignatureJWS,
  verifyReceiptSignatureJWS,
  type JWSSigner,
} from "@x402/extensions/offer-receipt";
import { describe, expect, it } from "vitest";

import { generateKeyPairSync, sign } from "node:crypto";

import { didDocument, didWebOf, kidOf } from "./did-document";
import { signCompactJws, type ReceiptSigner } from "./jws";
import { offersExtension, receiptExtension, signReceipt, type OfferCache } from "./offer-receipt";

const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
const publicJwk = pair.publicKey.export({ format: "jwk" });
const signer: ReceiptSigner = {
  kid: kidOf(didWebOf("http://127.0.0.1:3413"), "rsk_test"),
  algorithm: "ES256",
  privateKey: pair.privateKey,
};
const terms = {
  scheme: "exact",
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  payTo: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  amount: "10000",
  maxTimeoutSeconds: 300,
};
const resourceUrl = "http://127.0.0.1:3413/mer_x/api/signal/btc";

/** The package's own JWS signer over the same key, for comparison. */
const packageSigner: JWSSigner = {
  kid: signer.kid,
  format: "jws",
  algorithm: "ES256",
  sign: (bytes) =>
    Promise.resolve(
      sign("sha256", bytes, { key: pair.privateKey, dsaEncoding: "ieee-p1363" }).toString(
        "base64url",
      ),
    ),
};

describe("offer-receipt artifacts", () => {
  it("a JWS has the header and payload bytes the package's createJWS makes", async () => {
    const payload = { version: 1, b: "2", a: 1 };
    const ours = signCompactJws(payload, signer).split(".");
    const theirs = (await createJWS(payload, packageSigner)).split(".");
    expect(ours.slice(0, 2)).toEqual(theirs.slice(0, 2));
    expect(extractJWSHeader(ours.join("."))).toEqual({ alg: "ES256", kid: signer.kid });
  });

  it("offers verify with the package's verifyOfferSignatureJWS and carry one accepts entry each", async () => {
    const ext = offersExtension(signer, resourceUrl, [terms, { ...terms, amount: "20000" }], {
      nowSeconds: 1_800_000_000,
    });
    expect(ext.info.offers.map((o) => o.acceptIndex)).toEqual([0, 1]);
    const [first, second] = ext.info.offers;
    if (!first || !second) throw new Error("two offers expected");
    expect(await verifyOfferSignatureJWS(first, publicJwk as never)).toEqual({
      version: 1,
      resourceUrl,
      scheme: "exact",
      network: "eip155:31337",
      asset: terms.asset,
      payTo: terms.payTo,
      amount: "10000",
      validUntil: 1_800_000_300,
    });
    expect(extractOfferPayload(second).amount).toBe("20000");
  });

  it("a v1 entry is offered in CAIP-2 with its maxAmountRequired as amount (spec §4.2)", () => {
    const { maxTimeoutSeconds, scheme, asset, payTo } = terms;
    const v1 = {
      scheme,
      asset,
      payTo,
      maxTimeoutSeconds,
      network: "base-sepolia",
      maxAmountRequired: "7",
    };
    const [offer] = offersExtension(signer, resourceUrl, [v1], { nowSeconds: 0 }).info.offers;
    if (!offer) throw new Error("offer expected");
    expect(extractOfferPayload(offer)).toMatchObject({ network: "eip155:84532", amount: "7" });
  });

  it("the extension objects have the package's schemas", async () => {
    const official = createOfferReceiptExtension(
      createJWSOfferReceiptIssuer(signer.kid, packageSigner),
    );
    const offered = (await official.enrichPaymentRequiredResponse?.({}, {
      requirements: [terms],
      paymentRequiredResponse: { x402Version: 2, resource: { url: resourceUrl }, accepts: [terms] },
    } as never)) as { schema: unknown };
    const receipted = (await official.enrichSettlementResponse?.({}, {
      result: { success: true, payer: terms.payTo, network: terms.network, transaction: "0x1" },
      transportContext: { request: { adapter: { getUrl: () => resourceUrl } } },
    } as never)) as { schema: unknown };
    expect(offersExtension(signer, resourceUrl, [terms], { nowSeconds: 0 }).schema).toEqual(
      offered.schema,
    );
    const receipt = signReceipt(signer, {
      resourceUrl,
      payer: terms.payTo,
      network: terms.network,
      issuedAt: new Date(0),
    });
    expect(receiptExtension(receipt).schema).toEqual(receipted.schema);
  });

  it("a receipt verifies with verifyReceiptSignatureJWS; a tampered one does not", async () => {
    const receipt = signReceipt(signer, {
      resourceUrl,
      payer: "0xabc",
      network: "base-sepolia",
      transaction: "0xfeed",
      issuedAt: new Date(1_800_000_000_000),
    });
    expect(await verifyReceiptSignatureJWS(receipt, publicJwk as never)).toEqual({
      version: 1,
      network: "eip155:84532",
      resourceUrl,
      payer: "0xabc",
      issuedAt: 1_800_000_000,
      transaction: "0xfeed",
    });
    const [h, p, s] = receipt.signature.split(".");
    const forged = JSON.parse(Buffer.from(p ?? "", "base64url").toString()) as object;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...forged, payer: "0xdef" })).toString("base64url")}.${s}`;
    await expect(
      verifyReceiptSignatureJWS({ format: "jws", signature: tampered }, publicJwk as never),
    ).rejects.toThrow();
  });

  it("offers are signed once per shape and re-signed when half their validity is gone", () => {
    const cache: OfferCache = new Map();
    const at = (nowSeconds: number) =>
      offersExtension(signer, resourceUrl, [terms], { nowSeconds, cache }).info.offers[0]
        ?.signature;
    const first = at(1000);
    expect(at(1100)).toBe(first);
    expect(at(1151)).not.toBe(first);
  });

  it("the DID document lists the signing key first and keeps retired keys", () => {
    const did = didWebOf("http://127.0.0.1:3413");
    expect(did).toBe("did:web:127.0.0.1%3A3413");
    const doc = didDocument(did, [
      { id: "old", publicJwk, retiredAt: new Date(2), createdAt: new Date(1) },
      { id: "new", publicJwk, retiredAt: null, createdAt: new Date(3) },
    ]);
    expect(doc.verificationMethod.map((m) => m.id)).toEqual([`${did}#new`, `${did}#old`]);
    expect(doc.assertionMethod).toEqual([`${did}#new`, `${did}#old`]);
  });
});
