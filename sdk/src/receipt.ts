import { decodeJsonHeader, base64ToBytes } from "./encoding";

// Receipts of the x402 `offer-receipt` extension (spec: x402 specs/extensions/
// extension-offer-and-receipt.md): after a paid call the gateway's settlement header carries
// `extensions["offer-receipt"].info.receipt`, a JWS (ES256) whose kid is a did:web DID URL of the
// gateway's origin. The gateway publishes every key that ever signed — the current one and those
// retired by rotations — at `<gateway origin>/.well-known/did.json`. Verification uses WebCrypto
// only (no dependency), so it runs in Node 20+, browsers, Deno and workers alike.

/** A signed receipt as the extension transmits it. */
export type SignedReceipt =
  | { format: "jws"; signature: string }
  | { format: "eip712"; payload: ReceiptPayload; signature: string };

/** What a receipt states (schema version 1). */
export type ReceiptPayload = {
  version: number;
  /** CAIP-2 network, e.g. "eip155:8453" */
  network: string;
  /** the paid resource */
  resourceUrl: string;
  /** the payer's address */
  payer: string;
  /** unix seconds */
  issuedAt: number;
  /** the settlement's transaction hash */
  transaction?: string;
};

/** A public key as a JWK (with its `kid`, or its DID URL as `id` in a DID document). */
export type ReceiptPublicKey = JsonWebKey & { kid?: string };

/** Where the verification keys come from: a DID document, a JWKS or a list of JWKs. */
export type ReceiptKeys =
  | { verificationMethod: { id: string; publicKeyJwk: JsonWebKey }[] }
  | { keys: ReceiptPublicKey[] }
  | ReceiptPublicKey[];

/** Options of {@link verifyReceipt}. */
export type VerifyReceiptOptions = {
  /** the keys, already fetched (a DID document, a JWKS or JWKs) */
  keys?: ReceiptKeys;
  /** where to fetch them; default: the did:web document the receipt's kid names */
  keysUrl?: string;
  /** the fetch used for `keysUrl` (default globalThis.fetch) */
  fetch?: typeof globalThis.fetch;
  /** refuse receipts issued longer ago than this (default: no limit) */
  maxAgeSeconds?: number;
  /** the clock for `maxAgeSeconds` (default: now) */
  now?: Date;
};

/** Why a receipt did not verify. */
export type ReceiptFailure =
  | "malformed"
  | "unsupported_format"
  | "keys_unavailable"
  | "unknown_key"
  | "bad_signature"
  | "signer_not_authorized"
  | "too_old";

/** The outcome of {@link verifyReceipt}. */
export type ReceiptVerification =
  | { valid: true; payload: ReceiptPayload; kid: string }
  | { valid: false; reason: ReceiptFailure; message: string };

const fail = (reason: ReceiptFailure, message: string): ReceiptVerification => ({
  valid: false,
  reason,
  message,
});

const jsonOf = (part: string): unknown => JSON.parse(new TextDecoder().decode(base64ToBytes(part)));

/** The did:web identifier's host (percent-decoded, so a port reads `host:port`), or null. */
function didWebHost(kid: string): string | null {
  const match = /^did:web:([^:#]+)/.exec(kid);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** The did:web document URL a kid resolves to (did:web spec; http for localhost, as the x402 package does). */
function didDocumentUrl(kid: string): string | null {
  const [did = ""] = kid.split("#");
  const parts = did.split(":").slice(2).map(decodeURIComponent);
  const host = parts[0];
  if (!did.startsWith("did:web:") || !host) return null;
  const bare = host.split(":")[0];
  const scheme = bare === "localhost" || bare === "127.0.0.1" ? "http" : "https";
  const path = parts.slice(1).join("/");
  return path ? `${scheme}://${host}/${path}/did.json` : `${scheme}://${host}/.well-known/did.json`;
}

function findKey(keys: ReceiptKeys, kid: string): JsonWebKey | null {
  const fragment = kid.includes("#") ? kid.slice(kid.indexOf("#") + 1) : kid;
  if ("verificationMethod" in keys)
    return keys.verificationMethod.find((m) => m.id === kid)?.publicKeyJwk ?? null;
  const list = Array.isArray(keys) ? keys : keys.keys;
  return list.find((k) => k.kid === kid || k.kid === fragment) ?? null;
}

async function loadKeys(kid: string, opts: VerifyReceiptOptions): Promise<ReceiptKeys | null> {
  if (opts.keys) return opts.keys;
  const url = opts.keysUrl ?? didDocumentUrl(kid);
  if (!url) return null;
  const res = await (opts.fetch ?? globalThis.fetch)(url, {
    headers: { accept: "application/did+json, application/json" },
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as ReceiptKeys;
}

/**
 * Verifies a gateway receipt: the JWS signature under the published key its kid names, that the
 * key's did:web host is the paid resource's host (the key may speak for that resource), and
 * optionally its age. Receipts signed by keys retired in a rotation still verify: the gateway keeps
 * publishing them.
 *
 * @param receipt - the receipt (`extensions["offer-receipt"].info.receipt` of the settlement header), or its JWS string
 * @param opts - where the keys come from (`keys` or `keysUrl`; default: the did:web document of the kid)
 * @returns `{ valid: true, payload, kid }`, or `{ valid: false, reason, message }`
 * @example
 * ```ts
 * import { receiptFromPaymentResponse, verifyReceipt } from "@x402-gateway/sdk";
 *
 * const receipt = receiptFromPaymentResponse(res.headers.get("payment-response") ?? "");
 * const result = receipt && (await verifyReceipt(receipt));
 * if (result?.valid) console.log("paid by", result.payload.payer, "in", result.payload.transaction);
 * ```
 */
export async function verifyReceipt(
  receipt: SignedReceipt | string,
  opts: VerifyReceiptOptions = {},
): Promise<ReceiptVerification> {
  const signed =
    typeof receipt === "string" ? { format: "jws" as const, signature: receipt } : receipt;
  if (signed.format !== "jws")
    return fail("unsupported_format", `Receipts in ${signed.format} format are not verified here`);
  const parts = signed.signature.split(".");
  if (parts.length !== 3)
    return fail("malformed", "The receipt is not a JWS compact serialization");
  const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
  let header: { alg?: string; kid?: string };
  let payload: ReceiptPayload;
  try {
    header = jsonOf(headerPart) as typeof header;
    payload = jsonOf(payloadPart) as ReceiptPayload;
  } catch {
    return fail("malformed", "The receipt's header or payload is not base64url JSON");
  }
  if (header.alg !== "ES256" || !header.kid)
    return fail("unsupported_format", `Unsupported JWS header (alg ${String(header.alg)})`);
  const kid = header.kid;
  let keys: ReceiptKeys | null;
  try {
    keys = await loadKeys(kid, opts);
  } catch (err) {
    return fail("keys_unavailable", `The verification keys could not be fetched: ${String(err)}`);
  }
  const jwk = keys ? findKey(keys, kid) : null;
  if (!jwk) return fail("unknown_key", `No published key ${kid}`);
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey(
    "jwk",
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const ok = await subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    base64ToBytes(signaturePart) as Uint8Array<ArrayBuffer>,
    new TextEncoder().encode(`${headerPart}.${payloadPart}`),
  );
  if (!ok) return fail("bad_signature", "The receipt's signature does not verify");
  const host = didWebHost(kid);
  let resourceHost: string | null = null;
  try {
    resourceHost = new URL(payload.resourceUrl).host;
  } catch {
    return fail("malformed", "The receipt's resourceUrl is not a URL");
  }
  // spec §4.5.1: the key must be authorised for the resource; a did:web key speaks for its host
  if (host !== null && host !== resourceHost)
    return fail("signer_not_authorized", `Key ${kid} does not speak for ${resourceHost}`);
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (opts.maxAgeSeconds !== undefined && now - payload.issuedAt > opts.maxAgeSeconds)
    return fail("too_old", `The receipt was issued at ${payload.issuedAt}`);
  return { valid: true, payload, kid };
}

/**
 * The receipt in a settlement header (PAYMENT-RESPONSE or X-PAYMENT-RESPONSE), if it carries one.
 *
 * @param headerValue - the header's base64 JSON value
 * @returns the signed receipt, or undefined
 * @example
 * ```ts
 * const receipt = receiptFromPaymentResponse(res.headers.get("payment-response") ?? "");
 * ```
 */
export function receiptFromPaymentResponse(headerValue: string): SignedReceipt | undefined {
  try {
    const settlement = decodeJsonHeader(headerValue) as {
      extensions?: { "offer-receipt"?: { info?: { receipt?: SignedReceipt } } };
    };
    return settlement.extensions?.["offer-receipt"]?.info?.receipt;
  } catch {
    return undefined;
  }
}
