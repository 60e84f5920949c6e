import { createOpenApiFetchHandler } from "trpc-to-openapi";

import { appRouter } from "@/server/api/root";
import { createTRPCContext, type ApiKeyPrincipal } from "@/server/api/trpc";
import { authenticateApiKey } from "@/server/api-keys/api-keys";
import { recordAudit } from "@/server/audit/record-audit";
import type { Deps } from "@/server/deps";
import { ERROR_STATUS, toErrorBody, type ErrorBody, type ErrorCode } from "@/server/errors";
import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";
import type { RateLimiter } from "@/server/rate-limit/limiter";

import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "./idempotency";
import { buildOpenApiDocument, PUBLIC_API_PREFIX } from "./openapi";
import {
  bodySchemaOf,
  etagMatches,
  etagOf,
  matchOperation,
  requestFingerprint,
  toPublicErrorBody,
  unknownFields,
  unknownQueryParameters,
  type OpenApiDoc,
} from "./request-shape";

// The public REST API's edge (/api/v1/…): authenticate the API key, rate-limit it, bound and check
// the body, honour Idempotency-Key, then hand the request to trpc-to-openapi, which calls the same
// tRPC procedures the console calls with a context that carries the key. On the way out: one error
// shape, ETags, RateLimit-* headers, and an audit row per call in the key's name.

export type PublicApiDeps = Deps & { rateLimiter: RateLimiter };

const KEY_REFUSALS = {
  malformed: "The API key is malformed; send Authorization: Bearer x4g_live_…",
  unknown: "The API key is not valid",
  revoked: "The API key was revoked",
  expired: "The API key has expired",
} as const;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

let documentCache: OpenApiDoc | undefined;
function document(): OpenApiDoc {
  // the document is a pure function of the router; only the operations' shapes are used here
  documentCache ??= buildOpenApiDocument({ baseUrl: "http://localhost" }) as OpenApiDoc;
  return documentCache;
}

function respond(status: number, body: string | null, headers: Headers): Response {
  if (body !== null) headers.set("content-type", "application/json; charset=utf-8");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(body, { status, headers });
}

function errorOut(
  code: ErrorCode,
  message: string,
  requestId: string,
  headers: Headers,
  details?: unknown,
): Response {
  return respond(
    ERROR_STATUS[code],
    JSON.stringify(toErrorBody(code, message, requestId, details)),
    headers,
  );
}

/** Reads at most `max` bytes of the body; null when it is larger. */
async function readBody(req: Request, max: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > max) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function handlePublicApiRequest(deps: PublicApiDeps, req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const headers = new Headers({ "x-request-id": requestId });
  const url = new URL(req.url);
  const path =
    url.pathname.slice(url.pathname.indexOf(PUBLIC_API_PREFIX) + PUBLIC_API_PREFIX.length) || "/";
  const method = req.method.toUpperCase();

  const authorization = req.headers.get("authorization");
  if (!authorization)
    return errorOut(
      "unauthorized",
      "Send an API key: Authorization: Bearer x4g_live_…",
      requestId,
      headers,
    );
  const presented = /^bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  const check = presented
    ? await authenticateApiKey(deps, presented)
    : ({ ok: false, reason: "malformed" } as const);
  if (!check.ok) return errorOut("unauthorized", KEY_REFUSALS[check.reason], requestId, headers);
  const principal: ApiKeyPrincipal = {
    keyId: check.keyId,
    merchantId: check.merchantId,
    scopes: check.scopes,
  };

  const limit = deps.env.PUBLIC_API_RATE_LIMIT_PER_MINUTE;
  const decision = await deps.rateLimiter.take(`apikey:${principal.keyId}`, limit);
  headers.set("ratelimit-limit", String(limit));
  if (!decision.allowed) {
    headers.set("ratelimit-remaining", "0");
    headers.set("ratelimit-reset", String(decision.retryAfterSeconds));
    headers.set("retry-after", String(decision.retryAfterSeconds));
    return errorOut("rate_limited", "Too many requests for this API key", requestId, headers);
  }
  if (decision.remaining !== undefined)
    headers.set("ratelimit-remaining", String(decision.remaining));
  if (decision.resetSeconds !== undefined)
    headers.set("ratelimit-reset", String(decision.resetSeconds));

  const response = await serve(deps, req, { method, path, url, requestId, headers, principal });
  await recordAudit(deps.db, {
    actor: { apiKeyId: principal.keyId, role: "API_KEY", ip: clientIpFrom(req.headers), requestId },
    merchantId: principal.merchantId,
    action: "api.request",
    targetType: "api_operation",
    targetId: matchOperation(document(), method, path)?.operationId ?? null,
    after: { method, path, status: response.status },
  });
  return response;
}

async function serve(
  deps: PublicApiDeps,
  req: Request,
  r: {
    method: string;
    path: string;
    url: URL;
    requestId: string;
    headers: Headers;
    principal: ApiKeyPrincipal;
  },
): Promise<Response> {
  const { method, path, requestId, headers, principal } = r;
  const matched = matchOperation(document(), method, path);
  if (!matched)
    return errorOut(
      "not_found",
      `No operation ${method} ${PUBLIC_API_PREFIX}${path}; see ${PUBLIC_API_PREFIX}/openapi.json`,
      requestId,
      headers,
    );

  let bodyText = "";
  if (BODY_METHODS.has(method)) {
    if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
      return errorOut(
        "invalid_request",
        "Send the body as JSON with Content-Type: application/json",
        requestId,
        headers,
      );
    }
    const read = await readBody(req, deps.env.PUBLIC_API_MAX_BODY_BYTES);
    if (read === null)
      return errorOut(
        "payload_too_large",
        `The body exceeds ${deps.env.PUBLIC_API_MAX_BODY_BYTES} bytes`,
        requestId,
        headers,
      );
    bodyText = read;
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText || "{}");
    } catch {
      return errorOut("invalid_request", "The body is not valid JSON", requestId, headers);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return errorOut("invalid_request", "The body must be a JSON object", requestId, headers);
    const unknown = unknownFields(document(), bodySchemaOf(matched.operation), parsed);
    if (unknown.length)
      return errorOut(
        "invalid_request",
        `Unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
        requestId,
        headers,
        { fieldErrors: Object.fromEntries(unknown.map((f) => [f, ["Unknown field"]])) },
      );
  } else {
    const unknown = unknownQueryParameters(matched.operation, r.url.searchParams);
    if (unknown.length)
      return errorOut(
        "invalid_request",
        `Unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
        requestId,
        headers,
        { fieldErrors: Object.fromEntries(unknown.map((f) => [f, ["Unknown parameter"]])) },
      );
  }

  const idempotencyKey = method === "POST" ? req.headers.get("idempotency-key") : null;
  let claimId: string | null = null;
  if (idempotencyKey !== null) {
    if (idempotencyKey.length < 1 || idempotencyKey.length > 255)
      return errorOut(
        "invalid_request",
        "Idempotency-Key must be 1 to 255 characters",
        requestId,
        headers,
      );
    const claim = await claimIdempotencyKey(deps, {
      apiKeyId: principal.keyId,
      merchantId: principal.merchantId,
      key: idempotencyKey,
      requestHash: requestFingerprint(method, path, bodyText),
    });
    if (claim.kind === "mismatch")
      return errorOut(
        "conflict",
        "This Idempotency-Key was used with a different request",
        requestId,
        headers,
      );
    if (claim.kind === "in_progress") {
      headers.set("retry-after", "1");
      return errorOut(
        "conflict",
        "A request with this Idempotency-Key is still being processed",
        requestId,
        headers,
      );
    }
    if (claim.kind === "replay") {
      headers.set("idempotent-replayed", "true");
      return respond(claim.status, claim.body, headers);
    }
    claimId = claim.id;
  }

  const forwarded = new Request(r.url, {
    method,
    headers: req.headers,
    body: BODY_METHODS.has(method) ? bodyText || "{}" : undefined,
  });
  let status: number;
  let body: string;
  try {
    const res = await createOpenApiFetchHandler({
      endpoint: PUBLIC_API_PREFIX,
      router: appRouter,
      req: forwarded,
      createContext: async () =>
        createTRPCContext({
          deps,
          session: null,
          apiKey: principal,
          requestId,
          ip: clientIpFrom(req.headers),
        }),
    });
    const text = await res.text();
    if (res.status >= 400) {
      // the status follows our code table, so REST and the console's tRPC errors always agree
      const error = publicError(text, requestId);
      status = ERROR_STATUS[error.error.code];
      body = JSON.stringify(error);
    } else {
      status = res.status;
      body = text;
    }
  } catch (err) {
    deps.log.error({ err, requestId }, "public API handler failed");
    status = 500;
    body = JSON.stringify(toErrorBody("internal", "Internal error", requestId));
  }

  if (claimId) {
    if (status >= 500) await releaseIdempotencyKey(deps, { id: claimId });
    else await completeIdempotencyKey(deps, { id: claimId, status, body });
  }
  if (method === "GET" && status === 200) {
    const etag = etagOf(body);
    headers.set("etag", etag);
    // private data: clients may keep it but must revalidate with If-None-Match every time
    headers.set("cache-control", "private, no-cache");
    if (etagMatches(req.headers.get("if-none-match"), etag)) return respond(304, null, headers);
  }
  return respond(status, body, headers);
}

function publicError(text: string, requestId: string): ErrorBody {
  try {
    return toPublicErrorBody(JSON.parse(text), requestId);
  } catch {
    return toPublicErrorBody(null, requestId);
  }
}
