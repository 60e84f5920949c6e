import { PaymentPayloadV1Schema, PaymentPayloadV2Schema } from "@x402/core/schemas";
import type { PaymentPayload, SettleResponse } from "@x402/core/types";
import { z } from "zod";

import {
  BATCH_SCHEME,
  batchAuthorizationFacts,
  batchPayloadSchema,
  type BatchPayload,
} from "./batch-settlement";
import { UPTO_SCHEME, uptoAuthorizationFacts, uptoPayloadSchema, type UptoPayload } from "./upto";

// Pure: the payment header a client sent → a validated payload, or a stable reason why not; and
// the settlement header we send back. The envelope is validated with the official x402 schemas;
// the exact-EVM payload inside with ours (the packages export its type, not a schema).

export const PAYMENT_HEADER_V2 = "payment-signature";
export const PAYMENT_HEADER_V1 = "x-payment";
export const MAX_PAYMENT_HEADER_BYTES = 16 * 1024;

const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`));
const uintString = z.string().regex(/^\d{1,78}$/, "must be a decimal integer string");

export const exactEvmPayloadSchema = z.object({
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be 0x hex"),
  authorization: z.object({
    from: hex(20),
    to: hex(20),
    value: uintString,
    validAfter: uintString,
    validBefore: uintString,
    nonce: hex(32),
  }),
});
export type ExactEvmPayload = z.infer<typeof exactEvmPayloadSchema>;

const address = hex(20);

/** The exact scheme's Permit2 payload (a token without EIP-3009): a transfer through the x402 exact Permit2 proxy. */
export const exactPermit2PayloadSchema = z.object({
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be 0x hex"),
  permit2Authorization: z.object({
    from: address,
    permitted: z.object({ token: address, amount: uintString }),
    spender: address,
    nonce: uintString,
    deadline: uintString,
    witness: z.object({ to: address, validAfter: uintString }),
  }),
});
export type ExactPermit2Payload = z.infer<typeof exactPermit2PayloadSchema>;

export type DecodedPayment = {
  version: 1 | 2;
  /** the header's value as received (kept to settle later) */
  encoded: string;
  payload: PaymentPayload;
  scheme: string;
  /** v1 network name or v2 CAIP-2 id, as the client sent it */
  network: string;
  /** the authorization's facts (for upto: read from the Permit2 authorization, see server/x402/upto.ts) */
  exact: ExactEvmPayload;
  /** v1 only: the token, when a client names it beside the network (the v1 payload has no field for it) */
  asset?: string;
  /** the Permit2 authorization of an `upto` (metered) payment */
  upto?: UptoPayload;
  /** the Permit2 authorization of an `exact` payment in a token paid through Permit2 */
  permit2?: ExactPermit2Payload;
  /** the voucher (and, opening or topping up a channel, the deposit) of a `batch-settlement` payment */
  batch?: BatchPayload;
  /** v2 only: the requirements the client says it accepted */
  accepted?: { scheme: string; network: string; asset: string; amount: string; payTo: string };
  /** v2 only: the resource URL the client says it paid for */
  resourceUrl?: string;
  /** payment-identifier extension id, when the client sent one */
  paymentIdentifier?: string;
};

export type DecodeResult =
  | { kind: "none" }
  | {
      kind: "invalid";
      reason: "invalid_payload" | "invalid_x402_version" | "unsupported_scheme";
      message: string;
      version: 1 | 2 | null;
    }
  | { kind: "ok"; payment: DecodedPayment };

function decodeBase64Json(value: string): unknown {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) throw new Error("not base64");
  return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
}

const paymentIdentifierSchema = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/);

function paymentIdentifierOf(extensions: unknown): string | undefined {
  const info = (extensions as { "payment-identifier"?: { info?: { id?: unknown } } } | undefined)?.[
    "payment-identifier"
  ]?.info;
  const parsed = paymentIdentifierSchema.safeParse(info?.id);
  return parsed.success ? parsed.data : undefined;
}

const v1AssetOf = (json: unknown): string | undefined => {
  const asset = (json as { asset?: unknown }).asset;
  return typeof asset === "string" && /^0x[0-9a-fA-F]{40}$/.test(asset) ? asset : undefined;
};

/** Reads PAYMENT-SIGNATURE (v2) or, failing that, X-PAYMENT (v1 or v2 payloads). */
export function decodePaymentHeader(headers: Pick<Headers, "get">): DecodeResult {
  const encoded = (headers.get(PAYMENT_HEADER_V2) ?? headers.get(PAYMENT_HEADER_V1))?.trim();
  if (!encoded) return { kind: "none" };
  if (encoded.length > MAX_PAYMENT_HEADER_BYTES) {
    return {
      kind: "invalid",
      reason: "invalid_payload",
      message: `The payment header exceeds ${MAX_PAYMENT_HEADER_BYTES} bytes`,
      version: null,
    };
  }
  let json: unknown;
  try {
    json = decodeBase64Json(encoded);
  } catch {
    return {
      kind: "invalid",
      reason: "invalid_payload",
      message: "The payment header is not base64-encoded JSON",
      version: null,
    };
  }
  const version = (json as { x402Version?: unknown } | null)?.x402Version;
  if (version !== 1 && version !== 2) {
    return {
      kind: "invalid",
      reason: "invalid_x402_version",
      message: "x402Version must be 1 or 2",
      version: null,
    };
  }
  const envelope =
    version === 1 ? PaymentPayloadV1Schema.safeParse(json) : PaymentPayloadV2Schema.safeParse(json);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return {
      kind: "invalid",
      reason: "invalid_payload",
      message: `Invalid payment payload: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "malformed"}`,
      version,
    };
  }
  const payload = envelope.data as PaymentPayload & {
    scheme?: string;
    network?: string;
    accepted?: DecodedPayment["accepted"];
    resource?: { url?: string };
    extensions?: unknown;
  };
  const scheme = version === 1 ? (payload.scheme ?? "") : (payload.accepted?.scheme ?? "");
  const network = version === 1 ? (payload.network ?? "") : (payload.accepted?.network ?? "");
  if (scheme === UPTO_SCHEME && version === 2)
    return decodeV2Scheme(UPTO_DECODER, envelope.data, encoded, payload);
  if (scheme === BATCH_SCHEME && version === 2)
    return decodeV2Scheme(BATCH_DECODER, envelope.data, encoded, payload);
  if (scheme !== "exact")
    return {
      kind: "invalid",
      reason: "unsupported_scheme",
      message: `Scheme "${scheme}" is not accepted here; use "exact" (or "upto" with x402 v2 on a metered route)`,
      version,
    };
  // the exact scheme moves the token with an EIP-3009 authorization, or through Permit2 for a token
  // without EIP-3009 (the payload then holds a `permit2Authorization`)
  const viaPermit2 =
    version === 2 &&
    typeof payload.payload === "object" &&
    payload.payload !== null &&
    "permit2Authorization" in payload.payload;
  const exact = viaPermit2
    ? exactPermit2PayloadSchema.safeParse(payload.payload)
    : exactEvmPayloadSchema.safeParse(payload.payload);
  if (!exact.success)
    return invalidPayload(`exact EVM${viaPermit2 ? " Permit2" : ""}`, exact.error, version);
  const permit2 = viaPermit2 ? (exact.data as ExactPermit2Payload) : undefined;
  return {
    kind: "ok",
    payment: {
      version,
      encoded,
      payload: envelope.data as PaymentPayload,
      scheme,
      network,
      exact: permit2 ? uptoAuthorizationFacts(permit2) : (exact.data as ExactEvmPayload),
      ...(permit2 ? { permit2 } : {}),
      asset: version === 1 ? v1AssetOf(json) : undefined,
      accepted: version === 2 ? payload.accepted : undefined,
      resourceUrl: version === 2 ? payload.resource?.url : undefined,
      paymentIdentifier: version === 2 ? paymentIdentifierOf(payload.extensions) : undefined,
    },
  };
}

type V2Envelope = PaymentPayload & {
  accepted?: DecodedPayment["accepted"];
  resource?: { url?: string };
  extensions?: unknown;
};

/** A scheme whose x402 v2 payload is checked against its schema and carried as its own field. */
type V2SchemeDecoder<T> = {
  scheme: string;
  label: string;
  schema: z.ZodType<T>;
  facts: (payload: T) => ExactEvmPayload;
  field: "upto" | "batch";
};

const UPTO_DECODER: V2SchemeDecoder<UptoPayload> = {
  scheme: UPTO_SCHEME,
  label: "upto EVM",
  schema: uptoPayloadSchema,
  facts: uptoAuthorizationFacts,
  field: "upto",
};

const BATCH_DECODER: V2SchemeDecoder<BatchPayload> = {
  scheme: BATCH_SCHEME,
  label: "batch-settlement EVM",
  schema: batchPayloadSchema,
  facts: batchAuthorizationFacts,
  field: "batch",
};

/** The one refusal of a payload its scheme's schema does not accept. */
function invalidPayload(label: string, error: z.ZodError, version: 1 | 2): DecodeResult {
  const issue = error.issues[0];
  return {
    kind: "invalid",
    reason: "invalid_payload",
    message: `Invalid ${label} payload: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "malformed"}`,
    version,
  };
}

function decodeV2Scheme<T>(
  decoder: V2SchemeDecoder<T>,
  data: unknown,
  encoded: string,
  payload: V2Envelope,
): DecodeResult {
  const parsed = decoder.schema.safeParse(payload.payload);
  if (!parsed.success) return invalidPayload(decoder.label, parsed.error, 2);
  return {
    kind: "ok",
    payment: {
      version: 2,
      encoded,
      payload: data as PaymentPayload,
      scheme: decoder.scheme,
      network: payload.accepted?.network ?? "",
      exact: decoder.facts(parsed.data),
      [decoder.field]: parsed.data,
      accepted: payload.accepted,
      resourceUrl: payload.resource?.url,
      paymentIdentifier: paymentIdentifierOf(payload.extensions),
    },
  };
}

/** The settlement header: X-PAYMENT-RESPONSE for v1 clients, PAYMENT-RESPONSE for v2. */
export function encodePaymentResponse(
  version: 1 | 2,
  settle: SettleResponse,
): { name: string; value: string } {
  const value = Buffer.from(JSON.stringify(settle)).toString("base64");
  return { name: version === 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE", value };
}
