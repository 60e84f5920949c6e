import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { z } from "zod";

// Verifying that a request reached your API through the x402 Gateway, and what was paid for it.
//
// Every request the gateway proxies carries two headers:
//   X-Gateway-Signature: t=<unix seconds>,n=<nonce>,v1=<hex>[,v1=<hex>…]
//   X-Gateway-Payment:   <base64url of the payment facts as JSON>
// where each v1 is HMAC-SHA256(secret, payload) in lower-case hex over the payload
//   "x402-gateway.v1\n<t>\n<n>\n<X-Request-Id>\n<METHOD>\n<path>\n<query>\n<X-Gateway-Payment>"
// (path and query exactly as in the request line, query without its "?"). During a secret
// rotation the gateway adds one v1 per secret still in its overlap window; a request verifies when
// any v1 matches any secret you hold. Pure functions over @noble/hashes: Node, browsers, edge
// runtimes and Deno alike.

/** The signature header, lower-case as Node presents it. */
export const GATEWAY_SIGNATURE_HEADER = "x-gateway-signature";
/** The payment-facts header (base64url JSON), lower-case as Node presents it. */
export const GATEWAY_PAYMENT_HEADER = "x-gateway-payment";
/** The request id header the gateway sets; it is part of the signed payload. */
export const GATEWAY_REQUEST_ID_HEADER = "x-request-id";
/** How far a timestamp may be from your clock, and how long a nonce is remembered: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SIGNATURE_VERSION = "x402-gateway.v1";

/**
 * What the gateway knew about the call when it proxied it. `paid`: a payment for this call
 * (`txHash` is `"pending"` when the gateway settles after your answer, i.e. the AFTER_SUCCESS and
 * DEFERRED policies; BEFORE_PROXY settles first, so the hash is known). `entitled`: covered by a
 * bundle or time pass bought earlier. `owner`: the merchant's own API key. `free`: no rule prices
 * the path.
 */
export const gatewayPaymentFactsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("paid"),
    paymentId: z.string(),
    payer: z.string(),
    amount: z.string().regex(/^\d+$/),
    asset: z.string(),
    network: z.string(),
    txHash: z.string(),
    billingMode: z.enum(["PER_REQUEST", "BUNDLE", "TIME_PASS"]),
    settlementPolicy: z.enum(["AFTER_SUCCESS", "BEFORE_PROXY", "DEFERRED", "BATCH"]),
  }),
  z.object({
    kind: z.literal("entitled"),
    entitlementId: z.string(),
    payer: z.string(),
    billingMode: z.enum(["BUNDLE", "TIME_PASS"]),
  }),
  z.object({ kind: z.literal("owner"), keyId: z.string() }),
  z.object({ kind: z.literal("free") }),
]);

/** The payment facts of a verified gateway request (see {@link gatewayPaymentFactsSchema}). */
export type GatewayPaymentFacts = z.infer<typeof gatewayPaymentFactsSchema>;

/** The parts of a request the signature covers. */
export type GatewaySignedParts = {
  timestamp: number;
  nonce: string;
  requestId: string;
  method: string;
  /** the request line's path, percent-encoding untouched */
  path: string;
  /** the request line's query without the leading "?" ("" when there is none) */
  query: string;
  /** the X-Gateway-Payment header value exactly as sent */
  payment: string;
};

const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function base64UrlEncode(text: string): string {
  const bytes = encoder.encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(value: string): string {
  const normalized = value.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(normalized + "=".repeat((4 - (normalized.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/**
 * The exact string the gateway signs.
 *
 * @param parts - timestamp, nonce, request id, method, path, query and the payment header value
 * @returns the newline-joined payload
 * @example
 * gatewaySigningPayload({ timestamp: 1700000000, nonce: "ab12", requestId: "req_1", method: "GET", path: "/v1/quote", query: "", payment: header });
 */
export function gatewaySigningPayload(parts: GatewaySignedParts): string {
  return [
    SIGNATURE_VERSION,
    String(parts.timestamp),
    parts.nonce,
    parts.requestId,
    parts.method.toUpperCase(),
    parts.path,
    parts.query,
    parts.payment,
  ].join("\n");
}

/**
 * HMAC-SHA256 of a payload under a secret, lower-case hex.
 *
 * @param secret - the merchant's signing secret
 * @param payload - the output of {@link gatewaySigningPayload}
 * @returns 64 hex characters
 * @example
 * const v1 = computeGatewaySignature(secret, gatewaySigningPayload(parts));
 */
export function computeGatewaySignature(secret: string, payload: string): string {
  return toHex(hmac(sha256, encoder.encode(secret), encoder.encode(payload)));
}

/**
 * Encodes payment facts as the X-Gateway-Payment header value (base64url of JSON).
 *
 * @param facts - what the gateway knew about the call
 * @returns the header value
 * @example
 * encodeGatewayPaymentFacts({ kind: "free" }); // "eyJraW5kIjoiZnJlZSJ9"
 */
export function encodeGatewayPaymentFacts(facts: GatewayPaymentFacts): string {
  return base64UrlEncode(JSON.stringify(facts));
}

/**
 * Decodes an X-Gateway-Payment header value; null when it is not valid facts.
 *
 * @param value - the header value
 * @returns the facts, or null
 * @example
 * const facts = decodeGatewayPaymentFacts(req.headers["x-gateway-payment"]);
 */
export function decodeGatewayPaymentFacts(value: string): GatewayPaymentFacts | null {
  try {
    const parsed = gatewayPaymentFactsSchema.safeParse(JSON.parse(base64UrlDecode(value)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Parses `t=<unix>,n=<nonce>,v1=<hex>[,v1=<hex>…]`; null when malformed.
 *
 * @param value - the X-Gateway-Signature header value
 * @returns the timestamp, nonce and every v1 signature
 * @example
 * parseGatewaySignatureHeader("t=1700000000,n=ab12,v1=00ff…");
 */
export function parseGatewaySignatureHeader(
  value: string,
): { timestamp: number; nonce: string; signatures: string[] } | null {
  let timestamp: number | null = null;
  let nonce: string | null = null;
  const signatures: string[] = [];
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) return null;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(val)) timestamp = Number(val);
    else if (key === "n" && /^[0-9a-f]{8,64}$/.test(val)) nonce = val;
    else if (key === "v1" && /^[0-9a-f]{64}$/.test(val)) signatures.push(val);
  }
  return timestamp === null || nonce === null || signatures.length === 0
    ? null
    : { timestamp, nonce, signatures };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Remembers the nonces of verified requests for the tolerance window, so a captured request
 * cannot be replayed. Implement it over Redis (`SET key 1 NX EXAT expiresAt`) or your database
 * when your API runs on more than one instance.
 */
export interface GatewayReplayStore {
  /**
   * Records a nonce until `expiresAtSeconds`.
   *
   * @param nonce - the signature header's `n`
   * @param expiresAtSeconds - unix seconds after which the nonce may be forgotten
   * @returns true when the nonce was new, false when it was already recorded (a replay)
   */
  remember(nonce: string, expiresAtSeconds: number): boolean | Promise<boolean>;
}

/**
 * An in-memory replay store bounded by the window: entries expire with their timestamp's
 * tolerance, and beyond `maxEntries` the oldest are forgotten first.
 *
 * @param opts - `maxEntries` (default 100 000) and `now` (ms clock, for tests)
 * @returns a store for one process
 * @example
 * const replayStore = createMemoryReplayStore();
 */
export function createMemoryReplayStore(
  opts: { maxEntries?: number; now?: () => number } = {},
): GatewayReplayStore {
  const maxEntries = opts.maxEntries ?? 100_000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, number>();
  const prune = () => {
    const nowSeconds = now() / 1000;
    // insertion order is close to expiry order (same tolerance for all), so expired ones lead
    for (const [key, expires] of seen) {
      if (expires > nowSeconds && seen.size <= maxEntries) break;
      seen.delete(key);
    }
  };
  return {
    remember(nonce, expiresAtSeconds) {
      prune();
      const expires = seen.get(nonce);
      if (expires !== undefined && expires > now() / 1000) return false;
      seen.set(nonce, expiresAtSeconds);
      return true;
    },
  };
}

const defaultReplayStore = createMemoryReplayStore();

/**
 * Where a secret comes from: one, several (during a rotation), or a function that looks them up for
 * the request (e.g. by host, when one service sits behind several merchants).
 */
export type GatewaySecrets =
  | string
  | readonly string[]
  | ((
      request: GatewayRequestLike,
    ) => string | readonly string[] | Promise<string | readonly string[]>);

/** Options of {@link verifyGatewayRequest} and the middlewares. */
export type VerifyGatewayOptions = {
  /** your signing secret(s) from the console; give both during a rotation */
  secrets: GatewaySecrets;
  /** seconds a timestamp may differ from your clock (default 300) */
  toleranceSeconds?: number;
  /** where seen nonces are kept (default: one in-memory store per process); false disables replay checks */
  replayStore?: GatewayReplayStore | false;
  /** ms clock, for tests */
  now?: () => number;
};

/** Headers as Fetch `Headers` or Node's `IncomingHttpHeaders`. */
export type HeadersLike =
  { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/** The request to verify: method, the URL (a request-line path like Node's `req.url`, or absolute), headers. */
export type GatewayRequestLike = { method: string; url: string; headers: HeadersLike };

/** Why a request was refused. */
export type GatewayVerificationFailure =
  | "missing_signature"
  | "malformed_signature"
  | "malformed_payment"
  | "stale_timestamp"
  | "bad_signature"
  | "replayed";

/** The result of {@link verifyGatewayRequest}. */
export type GatewayVerification =
  | { ok: true; facts: GatewayPaymentFacts; requestId: string; timestamp: number }
  | { ok: false; reason: GatewayVerificationFailure; message: string };

function headerOf(headers: HeadersLike, name: string): string | null {
  if (typeof (headers as { get?: unknown }).get === "function")
    return (headers as { get(n: string): string | null }).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function splitUrl(url: string): { path: string; query: string } {
  // a request-line path is used as received; an absolute URL through the WHATWG parser, which
  // keeps percent-encoding as it is
  const target = url.startsWith("/")
    ? url
    : (() => {
        const parsed = new URL(url);
        return parsed.pathname + parsed.search;
      })();
  const q = target.indexOf("?");
  return q === -1
    ? { path: target, query: "" }
    : { path: target.slice(0, q), query: target.slice(q + 1) };
}

async function secretList(
  secrets: GatewaySecrets,
  request: GatewayRequestLike,
): Promise<readonly string[]> {
  const resolved = typeof secrets === "function" ? await secrets(request) : secrets;
  return typeof resolved === "string" ? [resolved] : resolved;
}

const fail = (reason: GatewayVerificationFailure, message: string): GatewayVerification => ({
  ok: false,
  reason,
  message,
});

/**
 * Checks that a request came through the x402 Gateway: a signature by one of your secrets over the
 * method, path, query, request id and payment facts, a timestamp within the tolerance, and a nonce
 * not seen before. Returns the payment facts on success.
 *
 * @param request - method, url (Node `req.url` or an absolute URL) and headers
 * @param options - your secret(s), tolerance and replay store
 * @returns `{ ok: true, facts }` or `{ ok: false, reason, message }`
 * @example
 * const result = await verifyGatewayRequest(request, { secrets: process.env.GATEWAY_SIGNING_SECRET! });
 * if (!result.ok) return new Response(result.message, { status: 401 });
 * if (result.facts.kind === "paid") console.log(result.facts.payer, result.facts.paymentId);
 */
export async function verifyGatewayRequest(
  request: GatewayRequestLike,
  options: VerifyGatewayOptions,
): Promise<GatewayVerification> {
  const signatureHeader = headerOf(request.headers, GATEWAY_SIGNATURE_HEADER);
  if (!signatureHeader)
    return fail(
      "missing_signature",
      "This API is served through the x402 Gateway; call it at the gateway's URL",
    );
  const signature = parseGatewaySignatureHeader(signatureHeader);
  if (!signature) return fail("malformed_signature", "X-Gateway-Signature is malformed");
  const payment = headerOf(request.headers, GATEWAY_PAYMENT_HEADER) ?? "";
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - signature.timestamp) > tolerance)
    return fail(
      "stale_timestamp",
      "The gateway signature's timestamp is outside the tolerance window",
    );

  const { path, query } = splitUrl(request.url);
  const requestId = headerOf(request.headers, GATEWAY_REQUEST_ID_HEADER) ?? "";
  const payload = gatewaySigningPayload({
    timestamp: signature.timestamp,
    nonce: signature.nonce,
    requestId,
    method: request.method,
    path,
    query,
    payment,
  });
  const secrets = await secretList(options.secrets, request);
  const matches = secrets.some((secret) => {
    const expected = computeGatewaySignature(secret, payload);
    return signature.signatures.some((given) => constantTimeEqual(expected, given));
  });
  if (!matches) return fail("bad_signature", "The gateway signature does not match");

  const facts = decodeGatewayPaymentFacts(payment);
  if (!facts) return fail("malformed_payment", "X-Gateway-Payment is missing or malformed");
  // remembered only once the signature holds, so forged requests cannot fill the store
  const store = options.replayStore === undefined ? defaultReplayStore : options.replayStore;
  if (store && !(await store.remember(signature.nonce, signature.timestamp + tolerance)))
    return fail("replayed", "This gateway request was already received");
  return { ok: true, facts, requestId, timestamp: signature.timestamp };
}

// ───────────────────────────── middlewares ─────────────────────────────

/** The parts of a Node `IncomingMessage` / Express `Request` the middleware reads. */
export type NodeRequestLike = {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  gateway?: GatewayVerification;
};
/** The parts of a Node `ServerResponse` / Express `Response` the middleware writes. */
export type NodeResponseLike = {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
};

function refusal(result: Extract<GatewayVerification, { ok: false }>): string {
  return JSON.stringify({ error: result.reason, message: result.message });
}

/**
 * Express / Connect / plain `node:http` middleware: refuses requests that did not come through
 * the gateway with 401 and a JSON `{ error, message }`; otherwise sets `req.gateway` to the
 * verification (with the payment facts) and calls `next()`.
 *
 * @param options - your secret(s), tolerance and replay store
 * @returns an `(req, res, next)` middleware
 * @example
 * app.use(gatewayVerification({ secrets: process.env.GATEWAY_SIGNING_SECRET! }));
 * app.get("/v1/quote/:id", (req, res) => res.json({ payer: req.gateway.facts.payer }));
 */
export function gatewayVerification(
  options: VerifyGatewayOptions,
): (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void) => void {
  const resolved: VerifyGatewayOptions = {
    ...options,
    replayStore:
      options.replayStore === undefined
        ? createMemoryReplayStore({ now: options.now })
        : options.replayStore,
  };
  return (req, res, next) => {
    // Express rewrites req.url inside mounted routers; originalUrl is the request line
    verifyGatewayRequest(
      { method: req.method ?? "GET", url: req.originalUrl ?? req.url ?? "/", headers: req.headers },
      resolved,
    ).then(
      (result) => {
        if (!result.ok) {
          res.statusCode = 401;
          res.setHeader("content-type", "application/json");
          res.end(refusal(result));
          return;
        }
        req.gateway = result;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** The verified call as the Next.js handler receives it. */
export type VerifiedGatewayCall = Extract<GatewayVerification, { ok: true }>;

/**
 * Wraps a Next.js route handler (or any `(Request) => Response` handler): requests that did not
 * come through the gateway get 401 with a JSON `{ error, message }`; verified ones reach your
 * handler with the payment facts as a third argument.
 *
 * @param handler - your route handler, receiving `(request, context, gateway)`
 * @param options - your secret(s), tolerance and replay store
 * @returns a route handler to export as GET, POST, …
 * @example
 * export const GET = withGatewayVerification(async (req, ctx, gateway) => Response.json({ facts: gateway.facts }), {
 *   secrets: process.env.GATEWAY_SIGNING_SECRET!,
 * });
 */
export function withGatewayVerification<C>(
  handler: (
    request: Request,
    context: C,
    gateway: VerifiedGatewayCall,
  ) => Response | Promise<Response>,
  options: VerifyGatewayOptions,
): (request: Request, context: C) => Promise<Response> {
  const resolved: VerifyGatewayOptions = {
    ...options,
    replayStore:
      options.replayStore === undefined
        ? createMemoryReplayStore({ now: options.now })
        : options.replayStore,
  };
  return async (request, context) => {
    const result = await verifyGatewayRequest(
      { method: request.method, url: request.url, headers: request.headers },
      resolved,
    );
    if (!result.ok)
      return new Response(refusal(result), {
        status: 401,
        headers: { "content-type": "application/json" },
      });
    return handler(request, context, result);
  };
}
