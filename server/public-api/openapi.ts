import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";

import { appRouter } from "@/server/api/root";
import { ERROR_CODES, ERROR_DESCRIPTIONS } from "@/server/errors";

import { PUBLIC_API_TAGS } from "./meta";

// The public API's OpenAPI 3.1 document, generated from the same tRPC procedures the console calls
// (their zod inputs and outputs): there is no second description to drift. sdk/openapi.json is a
// committed copy the SDK's types are generated from; openapi.int.test.ts fails when they differ.

export const PUBLIC_API_PREFIX = "/api/v1";
export const PUBLIC_API_VERSION = "1.0.0";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: { type: "string", enum: ERROR_CODES, description: "The same codes as the console's tRPC API; see the docs' error page." },
        message: { type: "string", description: "Safe to show to a person." },
        details: {
          type: "object",
          properties: {
            fieldErrors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: "Messages per input field (dotted paths for nested fields)." },
          },
        },
        requestId: { type: "string", description: "Quote it when asking for support; also in the X-Request-Id header." },
      },
    },
  },
} as const;

const DESCRIPTION = `Everything the merchant console does, over REST. Authenticate with one of your merchant's API
keys: \`Authorization: Bearer x4g_live_…\`. A key acts for its own merchant only, with the actions its
scopes grant (\`read\`, \`write\`, \`keys:manage\`; \`gateway:owner\` is for calls at your gateway URL).

Conventions: times are ISO 8601 (UTC); amounts are integer counts of the asset's smallest unit, as
strings, with the asset's \`decimals\` beside them; every POST honours \`Idempotency-Key\`; every
response carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`; GET responses
carry an \`ETag\` (send \`If-None-Match\` to get a 304). Every error has one shape: \`{ "error": { code,
message, details?, requestId } }\`.

Error codes: ${ERROR_CODES.filter((c) => !c.startsWith("payment") && !c.startsWith("upstream") && c !== "settlement_failed" && !c.startsWith("merchant_") && c !== "invalid_payment").map((c) => `\`${c}\` (${ERROR_DESCRIPTIONS[c]})`).join("; ")}`;

type Operation = { responses?: Record<string, unknown>; parameters?: unknown[]; security?: unknown };

/** The document, with our error shape and conventions on every operation. */
export function buildOpenApiDocument(opts: { baseUrl: string }): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: "x402 Gateway merchant API",
    description: DESCRIPTION,
    version: PUBLIC_API_VERSION,
    openApiVersion: "3.1.0",
    baseUrl: `${opts.baseUrl.replace(/\/$/, "")}${PUBLIC_API_PREFIX}`,
    tags: [...PUBLIC_API_TAGS],
    securitySchemes: { apiKey: { type: "http", scheme: "bearer", bearerFormat: "x4g_live_…", description: "A merchant API key from the console's Keys page" } },
  });
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: ERROR_SCHEMA as never } };
  const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const isPost = method === "post";
      op.parameters = [
        ...(op.parameters ?? []),
        ...(isPost ? [{ name: "Idempotency-Key", in: "header", required: false, description: "Retrying with the same key and body returns the first result; another body with the same key is a 409.", schema: { type: "string", maxLength: 255 } }] : []),
      ];
      // trpc-to-openapi describes its own error shape; ours is the one every endpoint answers with
      const ok = Object.fromEntries(Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith("2")));
      op.responses = {
        ...ok,
        ...(method === "get" ? { "304": { description: "Not modified (If-None-Match matched the ETag)" } } : {}),
        "400": errorResponse("invalid_request: malformed JSON, unknown fields, wrong types"),
        "401": errorResponse("unauthorized: no, a malformed, unknown, revoked or expired API key"),
        "403": errorResponse("forbidden: the key's scopes do not allow this"),
        "404": errorResponse("not_found: no such object for this key's merchant"),
        ...(isPost || method === "put" || method === "patch" ? { "409": errorResponse("conflict"), "413": errorResponse("payload_too_large") } : {}),
        "429": errorResponse("rate_limited: see Retry-After"),
        "500": errorResponse("internal"),
      };
      void path;
    }
  }
  return doc;
}
