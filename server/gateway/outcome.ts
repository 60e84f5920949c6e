import { ERROR_STATUS, toErrorBody, type ErrorCode } from "@/server/errors";

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
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "invalid_request"; message: string }
  | { kind: "payment_required"; challenge: PaymentChallenge }
  | { kind: "payment_rejected"; reason: string; message: string; challenge: PaymentChallenge }
  | { kind: "upstream_blocked" }
  | { kind: "body_too_large"; maxBytes: number }
  | { kind: "upstream_timeout"; timeoutMs: number }
  | { kind: "upstream_unreachable"; message: string }
  | { kind: "unavailable"; message: string }
  | {
      kind: "proxied";
      status: number;
      headers: Headers;
      body: ReadableStream<Uint8Array> | null;
      /** settlement header for paid calls: name (X-PAYMENT-RESPONSE or PAYMENT-RESPONSE) and value */
      paymentResponse?: { name: string; value: string };
    };

function errorJson(code: ErrorCode, message: string, requestId: string, details?: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(toErrorBody(code, message, requestId, details)), {
    status: ERROR_STATUS[code],
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId, ...headers },
  });
}

function challengeResponse(challenge: PaymentChallenge, requestId: string): Response {
  const headers: Record<string, string> = {
    "payment-required": challenge.v2Header,
    "cache-control": "no-store",
    "x-request-id": requestId,
    ...challenge.headers,
  };
  if (challenge.html) return new Response(challenge.html, { status: 402, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  return new Response(JSON.stringify(challenge.body), { status: 402, headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
}

/** Maps a gateway outcome to the HTTP response the client receives. */
export function toResponse(outcome: GatewayOutcome, requestId: string): Response {
  switch (outcome.kind) {
    case "merchant_not_found":
      return errorJson("merchant_not_found", "No merchant has this id", requestId);
    case "merchant_inactive":
      return errorJson(
        "merchant_inactive",
        outcome.status === "DISABLED" ? "This merchant is disabled" : "This merchant is pending review",
        requestId,
        { status: outcome.status },
      );
    case "rate_limited":
      return errorJson("rate_limited", "Too many requests for this merchant", requestId, { retryAfterSeconds: outcome.retryAfterSeconds }, {
        "retry-after": String(outcome.retryAfterSeconds),
      });
    case "invalid_request":
      return errorJson("invalid_request", outcome.message, requestId);
    case "payment_required":
    case "payment_rejected":
      return challengeResponse(outcome.challenge, requestId);
    case "upstream_blocked":
      return errorJson("upstream_invalid", "The merchant's upstream resolves to a private address", requestId);
    case "body_too_large":
      return errorJson("payload_too_large", `The request body exceeds ${outcome.maxBytes} bytes`, requestId, { maxBytes: outcome.maxBytes });
    case "upstream_timeout":
      return errorJson("upstream_timeout", `The upstream did not answer within ${outcome.timeoutMs} ms; you were not charged`, requestId);
    case "upstream_unreachable":
      return errorJson("upstream_error", "The upstream could not be reached; you were not charged", requestId, { cause: outcome.message });
    case "unavailable":
      return errorJson("service_unavailable", outcome.message, requestId);
    case "proxied": {
      const headers = new Headers(outcome.headers);
      headers.set("x-request-id", requestId);
      if (outcome.paymentResponse) {
        headers.set(outcome.paymentResponse.name, outcome.paymentResponse.value);
        headers.append("access-control-expose-headers", `${outcome.paymentResponse.name}, x-request-id`);
      }
      return new Response(outcome.body, { status: outcome.status, headers });
    }
    default:
      return outcome satisfies never;
  }
}
