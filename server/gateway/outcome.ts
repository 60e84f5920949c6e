import { IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";

import { ERROR_STATUS, toErrorBody, type ErrorCode } from "@/server/errors";

import { isNullBodyStatus } from "./http-status";
import { isolateResponseHeaders } from "./response-headers";

// Every result of a gateway request is a value of this union (STYLE 2.1 "outcomes are data");
// toResponse is the one place that turns them into HTTP.

/** A 402 answer in both protocol generations: the v2 header and a v1-compatible JSON body. */
export type PaymentChallenge = {
  /** base64 PaymentRequired (v2) for the PAYMENT-REQUIRED header */
  v2Header: string;
  /** the JSON body: v1 shape ({ x402Version: 1, error, accepts }) or v2 when the client spoke v2 */
  body: unknown;
  /** the paywall page for browsers, when the request asked for HTML */
  html?: string;
  /** extra response headers (e.g. entitlement state) */
  headers?: Record<string, string>;
};

export type GatewayOutcome =
  | { kind: "merchant_not_found" }
  | { kind: "merchant_inactive"; status: "PENDING_REVIEW" | "DISABLED" }
  /** the platform blocked the client IP or the payer (server/risk/): refused before anything was reserved */
  | { kind: "blocked"; code: "client_blocked" | "payer_blocked" }
  /** `scope`: which bucket ran out (lane and merchant / client / payer) */
  | { kind: "rate_limited"; retryAfterSeconds: number; scope?: RateLimitScope }
  | { kind: "unauthorized"; message: string }
  | { kind: "invalid_request"; message: string }
  | { kind: "method_not_allowed"; method: string }
  /** the path is priced for other methods and the merchant refuses the ones it did not price */
  | { kind: "not_priced"; method: string }
  | { kind: "payment_required"; challenge: PaymentChallenge }
  | { kind: "payment_rejected"; reason: string; message: string; challenge: PaymentChallenge }
  | { kind: "upstream_blocked" }
  | { kind: "body_too_large"; maxBytes: number }
  | { kind: "upstream_timeout"; timeoutMs: number }
  | { kind: "upstream_unreachable"; message: string }
  /** the upstream answered with a status outside 200–599 */
  | { kind: "upstream_invalid_response"; status: number }
  /** a metered route's upstream answered without a valid metering header, and the rule refuses such answers */
  | { kind: "upstream_unmetered"; header: string }
  | { kind: "unavailable"; message: string }
  /** a payment identifier already bound to another payment, or to a call whose response was not kept */
  | { kind: "payment_identifier_conflict"; message: string; paymentId: string }
  /** a retry with a payment identifier whose first attempt has not finished */
  | { kind: "payment_in_progress"; paymentId: string }
  /** the settlement's outcome is not known (threw, timed out, no receipt): not answered, left to the reconciler */
  | { kind: "settlement_pending"; paymentId: string }
  /** BEFORE_PROXY: settled, then the upstream could not answer; the payment is recorded for refund */
  | {
      kind: "upstream_failed_after_settlement";
      message: string;
      paymentId: string;
      paymentResponse: { name: string; value: string };
    }
  /** a retry with a payment identifier: the response the first attempt got, replayed without charging */
  | {
      kind: "replayed";
      status: number;
      headers: Record<string, string | string[]>;
      body: Buffer;
      paymentResponse: { name: string; value: string };
    }
  | {
      kind: "proxied";
      status: number;
      /** the upstream's response headers, hop-by-hop ones removed */
      headers: Record<string, string | string[]>;
      /** the upstream's body, streamed through untouched */
      body: Readable | null;
      /** settlement header for paid calls: name (X-PAYMENT-RESPONSE or PAYMENT-RESPONSE) and value */
      paymentResponse?: { name: string; value: string };
    };

export type RateLimitScope =
  "unpaid_merchant" | "unpaid_client" | "paid_merchant" | "paid_payer" | "paid_client";

const RATE_LIMIT_MESSAGES: Record<RateLimitScope, string> = {
  unpaid_merchant: "Too many unpaid requests for this API; paying requests are limited separately",
  unpaid_client:
    "Too many unpaid requests from this client; paying requests are limited separately",
  paid_merchant: "Too many paid requests for this API right now; nothing was charged",
  paid_payer: "Too many paid requests from this payer; nothing was charged",
  paid_client: "Too many paid requests from this client; nothing was charged",
};

/** The methods the gateway passes on (RFC 9110 §15.5.6: a 405 lists them). */
const GATEWAY_ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/** A transport-neutral HTTP answer: the route handler makes a Response of it, the node server writes it. */
export type RenderedOutcome = {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Readable | null;
};

function errorJson(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: unknown,
  headers?: Record<string, string>,
): RenderedOutcome {
  return {
    status: ERROR_STATUS[code],
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-request-id": requestId,
      ...headers,
    },
    body: JSON.stringify(toErrorBody(code, message, requestId, details)),
  };
}

function challengeResponse(challenge: PaymentChallenge, requestId: string): RenderedOutcome {
  const headers: Record<string, string> = {
    "payment-required": challenge.v2Header,
    "cache-control": "no-store",
    "x-request-id": requestId,
    "access-control-expose-headers": "payment-required, x-request-id",
    ...challenge.headers,
  };
  if (challenge.html)
    return {
      status: 402,
      headers: { ...headers, "content-type": "text/html; charset=utf-8" },
      body: challenge.html,
    };
  return {
    status: 402,
    headers: { ...headers, "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(challenge.body),
  };
}

/** Maps a gateway outcome to the status, headers and body the client receives (always isolated, see response-headers.ts). */
export function renderOutcome(outcome: GatewayOutcome, requestId: string): RenderedOutcome {
  const rendered = renderUnisolated(outcome, requestId);
  return { ...rendered, headers: isolateResponseHeaders(rendered.headers) };
}

/** The HTTP status an outcome is answered with, for a record that must be written before the answer is rendered. */
export function outcomeStatus(outcome: GatewayOutcome): number {
  return renderUnisolated(outcome, "").status;
}

/** How each kind of outcome is answered: one small renderer per kind, checked exhaustive by the type. */
type Renderers = {
  [K in GatewayOutcome["kind"]]: (
    outcome: Extract<GatewayOutcome, { kind: K }>,
    requestId: string,
  ) => RenderedOutcome;
};

const RENDERERS: Renderers = {
  merchant_not_found: (_, id) => errorJson("merchant_not_found", "No merchant has this id", id),
  merchant_inactive: (o, id) =>
    errorJson(
      "merchant_inactive",
      o.status === "DISABLED" ? "This merchant is disabled" : "This merchant is pending review",
      id,
      { status: o.status },
    ),
  blocked: (o, id) =>
    errorJson(
      o.code,
      o.code === "payer_blocked"
        ? "Payments from this address are refused on this gateway; nothing was charged"
        : "Paid calls from this client are refused on this gateway; nothing was charged",
      id,
    ),
  rate_limited: (o, id) =>
    errorJson(
      "rate_limited",
      o.scope ? RATE_LIMIT_MESSAGES[o.scope] : "Too many requests for this merchant",
      id,
      { retryAfterSeconds: o.retryAfterSeconds, scope: o.scope },
      { "retry-after": String(o.retryAfterSeconds) },
    ),
  invalid_request: (o, id) => errorJson("invalid_request", o.message, id),
  not_priced: (o, id) =>
    errorJson("not_found", `This API does not serve ${o.method} on this path`, id),
  method_not_allowed: (o, id) =>
    errorJson("method_not_allowed", `${o.method} is not served by the gateway`, id, undefined, {
      allow: GATEWAY_ALLOW,
    }),
  unauthorized: (o, id) => errorJson("unauthorized", o.message, id),
  payment_required: (o, id) => challengeResponse(o.challenge, id),
  payment_rejected: (o, id) => challengeResponse(o.challenge, id),
  upstream_blocked: (_, id) =>
    errorJson("upstream_invalid", "The merchant's upstream resolves to a private address", id),
  body_too_large: (o, id) =>
    errorJson("payload_too_large", `The request body exceeds ${o.maxBytes} bytes`, id, {
      maxBytes: o.maxBytes,
    }),
  upstream_timeout: (o, id) =>
    errorJson(
      "upstream_timeout",
      `The upstream did not answer within ${o.timeoutMs} ms; you were not charged`,
      id,
    ),
  upstream_unreachable: (o, id) =>
    errorJson("upstream_error", "The upstream could not be reached; you were not charged", id, {
      cause: o.message,
    }),
  upstream_invalid_response: (o, id) =>
    errorJson(
      "upstream_invalid_response",
      `The upstream answered with status ${o.status}, which is not a valid HTTP answer; you were not charged`,
      id,
      { upstreamStatus: o.status },
    ),
  upstream_unmetered: (o, id) =>
    errorJson(
      "upstream_unmetered",
      `The upstream's answer did not report its usage in ${o.header}; you were not charged`,
      id,
      { header: o.header },
    ),
  unavailable: (o, id) => errorJson("service_unavailable", o.message, id),
  payment_identifier_conflict: (o, id) =>
    errorJson("payment_identifier_conflict", o.message, id, { paymentId: o.paymentId }),
  payment_in_progress: (o, id) =>
    errorJson(
      "payment_in_progress",
      "A payment with this identifier is still being processed; retry shortly for its outcome",
      id,
      { paymentId: o.paymentId },
      { "retry-after": "1" },
    ),
  settlement_pending: (o, id) =>
    errorJson(
      "settlement_pending",
      "The payment was sent for settlement but its outcome is not known yet, so the call was not answered. If the transfer lands it is recorded as owed back to you; otherwise the authorization is released when it expires. Do not pay again for this call with the same authorization.",
      id,
      { paymentId: o.paymentId },
    ),
  upstream_failed_after_settlement: (o, id) => {
    const rendered = errorJson("upstream_error", o.message, id, {
      paymentId: o.paymentId,
      refundDue: true,
    });
    return {
      ...rendered,
      headers: {
        ...rendered.headers,
        [o.paymentResponse.name.toLowerCase()]: o.paymentResponse.value,
        "access-control-expose-headers": `x-request-id, ${o.paymentResponse.name}`,
      },
    };
  },
  replayed: (o, id) => ({
    status: o.status,
    headers: {
      ...o.headers,
      "x-request-id": id,
      [o.paymentResponse.name.toLowerCase()]: o.paymentResponse.value,
      "x-x402-idempotent-replay": "true",
      "access-control-expose-headers": `x-request-id, ${o.paymentResponse.name}, x-x402-idempotent-replay`,
    },
    body: Readable.from([o.body]),
  }),
  proxied: (o, id) => {
    const headers: Record<string, string | string[]> = { ...o.headers, "x-request-id": id };
    const exposed = ["x-request-id"];
    if (o.paymentResponse) {
      headers[o.paymentResponse.name.toLowerCase()] = o.paymentResponse.value;
      exposed.push(o.paymentResponse.name);
    }
    if (headers["x-x402-entitlement"]) exposed.push("x-x402-entitlement");
    if (exposed.length > 1) headers["access-control-expose-headers"] = exposed.join(", ");
    return { status: o.status, headers, body: o.body };
  },
};

function renderUnisolated(outcome: GatewayOutcome, requestId: string): RenderedOutcome {
  const render = RENDERERS[outcome.kind] as (o: GatewayOutcome, id: string) => RenderedOutcome;
  return render(outcome, requestId);
}

/** A 204, 205 or 304 goes out without a body (a replayed one was kept as an empty buffer). */
function withoutForbiddenBody(rendered: RenderedOutcome): RenderedOutcome {
  if (rendered.body === null || !isNullBodyStatus(rendered.status)) return rendered;
  if (rendered.body instanceof Readable) rendered.body.resume();
  return { ...rendered, body: null };
}

/** What the client is sent for an outcome: status, isolated headers and a body its status allows. */
export function renderForClient(outcome: GatewayOutcome, requestId: string): RenderedOutcome {
  return withoutForbiddenBody(renderOutcome(outcome, requestId));
}

/** A rendered answer as a fetch Response (the Next.js route handler). */
export function responseOf(rendered: RenderedOutcome): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(rendered.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const body =
    rendered.body instanceof Readable
      ? (Readable.toWeb(rendered.body) as unknown as ReadableStream<Uint8Array>)
      : rendered.body;
  return new Response(body, { status: rendered.status, headers });
}

/**
 * The upstream's Content-Length, when the body is the upstream's response itself, relayed byte for
 * byte: the client gets the length as a plain proxy passes it on, rather than a re-chunked body
 * (chunk-size lines and a terminating chunk; still one write, as `end` flushes the corked socket).
 */
function untouchedLength(body: RenderedOutcome["body"]): string | null {
  if (!(body instanceof IncomingMessage) || body.readableDidRead) return null;
  const length = body.headers["content-length"];
  return length !== undefined && /^\d+$/.test(length) ? length : null;
}

/** A rendered answer written straight to a node:http response (the self-hosted server's fast path). */
export function writeRendered(res: ServerResponse, rendered: RenderedOutcome): void {
  const length = untouchedLength(rendered.body);
  // the headers were rendered for this answer alone: completed in place
  if (
    length !== null &&
    !("content-length" in rendered.headers) &&
    !("transfer-encoding" in rendered.headers)
  )
    rendered.headers["content-length"] = length;
  res.writeHead(rendered.status, rendered.headers);
  if (rendered.body instanceof Readable) {
    rendered.body.on("error", () => res.destroy());
    rendered.body.pipe(res);
  } else {
    res.end(rendered.body ?? undefined);
  }
}

/** The outcome as a fetch Response. */
export function toResponse(outcome: GatewayOutcome, requestId: string): Response {
  return responseOf(renderForClient(outcome, requestId));
}
