import { convertNetworkStringToCAIP2 } from "@x402/extensions/offer-receipt";

import {
  signCompactJws,
  type JwsSignedOffer,
  type JwsSignedReceipt,
  type OfferPayload,
  type ReceiptPayload,
  type ReceiptSigner,
} from "./jws";

// Offers and receipts as the `offer-receipt` extension places them (pure; the clock and the key are
// passed in): `extensions["offer-receipt"] = { info: { offers }, schema }` in a 402 and
// `{ info: { receipt }, schema }` in the settlement response, with the package's JSON schemas.

/** An `accepts` entry of either protocol generation, as far as an offer reads it. */
export type AcceptedTerms = {
  scheme: string;
  network: string;
  asset: string;
  payTo: string;
  maxTimeoutSeconds: number;
} & ({ amount: string } | { maxAmountRequired: string });

// the package's schemas (server.ts OFFER_SCHEMA / RECEIPT_SCHEMA, not exported); offer-receipt.test.ts
// compares them with what its own extension emits
const OFFER_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    offers: {
      type: "array",
      items: {
        type: "object",
        properties: {
          format: { type: "string" },
          acceptIndex: { type: "integer" },
          payload: {
            type: "object",
            properties: {
              version: { type: "integer" },
              resourceUrl: { type: "string" },
              scheme: { type: "string" },
              network: { type: "string" },
              asset: { type: "string" },
              payTo: { type: "string" },
              amount: { type: "string" },
              validUntil: { type: "integer" },
            },
            required: ["version", "resourceUrl", "scheme", "network", "asset", "payTo", "amount"],
          },
          signature: { type: "string" },
        },
        required: ["format", "signature"],
      },
    },
  },
  required: ["offers"],
} as const;

const RECEIPT_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    receipt: {
      type: "object",
      properties: {
        format: { type: "string" },
        payload: {
          type: "object",
          properties: {
            version: { type: "integer" },
            network: { type: "string" },
            resourceUrl: { type: "string" },
            payer: { type: "string" },
            issuedAt: { type: "integer" },
            transaction: { type: "string" },
          },
          required: ["version", "network", "resourceUrl", "payer", "issuedAt"],
        },
        signature: { type: "string" },
      },
      required: ["format", "signature"],
    },
  },
  required: ["receipt"],
} as const;

/** The payload the package's `createOfferJWS` signs for an accepts entry (v1 amounts and names converted). */
export function offerPayload(
  resourceUrl: string,
  terms: AcceptedTerms,
  nowSeconds: number,
): OfferPayload {
  return {
    version: 1,
    resourceUrl,
    scheme: terms.scheme,
    // the spec: offers name networks in CAIP-2 and amounts as `amount`, whatever the generation
    network: convertNetworkStringToCAIP2(terms.network),
    asset: terms.asset,
    payTo: terms.payTo,
    amount: "amount" in terms ? terms.amount : terms.maxAmountRequired,
    // the package's default validity: the requirement's own payment window
    validUntil: nowSeconds + terms.maxTimeoutSeconds,
  };
}

/**
 * Signed offers are reused while at least half their validity is left: a 402 for the same terms
 * then costs a Map lookup instead of an ECDSA signature (bounded, oldest dropped first).
 */
export type OfferCache = Map<string, { offer: JwsSignedOffer; validUntil: number; issued: number }>;
const OFFER_CACHE_MAX = 5_000;

function cachedOffer(
  cache: OfferCache,
  signer: ReceiptSigner,
  payload: OfferPayload,
  acceptIndex: number,
  nowSeconds: number,
): JwsSignedOffer {
  const key = `${signer.kid}|${acceptIndex}|${payload.resourceUrl}|${payload.scheme}|${payload.network}|${payload.asset}|${payload.payTo}|${payload.amount}`;
  const hit = cache.get(key);
  if (hit && hit.validUntil - nowSeconds > (hit.validUntil - hit.issued) / 2) return hit.offer;
  const offer: JwsSignedOffer = {
    format: "jws",
    acceptIndex,
    signature: signCompactJws(payload, signer),
  };
  cache.delete(key);
  if (cache.size >= OFFER_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, { offer, validUntil: payload.validUntil, issued: nowSeconds });
  return offer;
}

/** The 402's `offer-receipt` extension: one signed offer per accepts entry, in order. */
export function offersExtension(
  signer: ReceiptSigner,
  resourceUrl: string,
  accepts: readonly AcceptedTerms[],
  opts: { nowSeconds: number; cache?: OfferCache },
): { info: { offers: JwsSignedOffer[] }; schema: typeof OFFER_SCHEMA } {
  const offers = accepts.map((terms, i) => {
    const payload = offerPayload(resourceUrl, terms, opts.nowSeconds);
    return opts.cache
      ? cachedOffer(opts.cache, signer, payload, i, opts.nowSeconds)
      : { format: "jws" as const, acceptIndex: i, signature: signCompactJws(payload, signer) };
  });
  return { info: { offers }, schema: OFFER_SCHEMA };
}

/** The facts a receipt states about a settled, served call. */
export type ReceiptFacts = {
  resourceUrl: string;
  payer: string;
  network: string;
  /** the settlement's transaction hash: included, as the gateway prefers verifiability (spec §5.2) */
  transaction?: string;
  issuedAt: Date;
};

export function receiptPayload(facts: ReceiptFacts): ReceiptPayload {
  return {
    version: 1,
    network: convertNetworkStringToCAIP2(facts.network),
    resourceUrl: facts.resourceUrl,
    payer: facts.payer,
    issuedAt: Math.floor(facts.issuedAt.getTime() / 1000),
    ...(facts.transaction ? { transaction: facts.transaction } : {}),
  };
}

export function signReceipt(signer: ReceiptSigner, facts: ReceiptFacts): JwsSignedReceipt {
  return { format: "jws", signature: signCompactJws(receiptPayload(facts), signer) };
}

/** The settlement response's `offer-receipt` extension. */
export function receiptExtension(receipt: JwsSignedReceipt): {
  info: { receipt: JwsSignedReceipt };
  schema: typeof RECEIPT_SCHEMA;
} {
  return { info: { receipt }, schema: RECEIPT_SCHEMA };
}
