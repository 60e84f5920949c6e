import { canonicalize, OFFER_RECEIPT } from "@x402/extensions/offer-receipt";

import { sign, type KeyObject } from "node:crypto";

// The `offer-receipt` extension's JWS artifacts, built synchronously with node:crypto. The bytes
// are exactly what the package's `createJWS` produces (header `{"alg","kid"}` as JSON, payload
// canonicalised with its own JCS `canonicalize`, both base64url): the unit test checks that the
// package's verify functions accept them. Signing here rather than through `createOfferJWS` keeps
// the 402 path synchronous and lets the gateway cache offers (jws.test.ts).

export { OFFER_RECEIPT };

/** The platform's current signing key, decrypted once per load (server/receipts/key-holder.ts). */
export type ReceiptSigner = {
  /** DID URL of the key: did:web:<gateway host>#<key id> (resolvable at /.well-known/did.json) */
  kid: string;
  /** JWS alg; ES256 (P-256), which WebCrypto verifies in every browser and runtime */
  algorithm: "ES256";
  privateKey: KeyObject;
};

/** Offer payload (package `OfferPayload`, schema version 1). */
export type OfferPayload = {
  version: 1;
  resourceUrl: string;
  scheme: string;
  network: string;
  asset: string;
  payTo: string;
  amount: string;
  validUntil: number;
};

/** Receipt payload (package `ReceiptPayload` as its JWS issuer builds it: `transaction` only when known). */
export type ReceiptPayload = {
  version: 1;
  network: string;
  resourceUrl: string;
  payer: string;
  issuedAt: number;
  transaction?: string;
};

export type JwsSignedOffer = { format: "jws"; acceptIndex?: number; signature: string };
export type JwsSignedReceipt = { format: "jws"; signature: string };

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

/** A JWS compact serialization of `payload` under the signer's key. */
export function signCompactJws(payload: object, signer: ReceiptSigner): string {
  const header = b64url(JSON.stringify({ alg: signer.algorithm, kid: signer.kid }));
  const body = b64url(canonicalize(payload));
  const input = `${header}.${body}`;
  // JWS wants the raw r||s form of an ECDSA signature (RFC 7518 §3.4), not DER
  const signature = sign("sha256", Buffer.from(input), {
    key: signer.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${b64url(signature)}`;
}
