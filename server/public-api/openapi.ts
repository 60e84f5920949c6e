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
        code: {
          type: "string",
          enum: ERROR_CODES,
          description: "The same codes as the console's tRPC API; see the docs' error page.",
        },
        message: { type: "string", description: "Safe to show to a person." },
        details: {
          type: "object",
          properties: {
            fieldErrors: {
              type: "object",
              additionalProperties: { type: "array", items: { type: "string" } },
              description: "Messages per input field (dotted paths for nested fields).",
            },
          },
        },
        requestId: {
          type: "string",
          description: "Quote it when asking for support; also in the X-Request-Id header.",
        },
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

Error codes: ${ERROR_CODES.filter(
  (c) =>
    !c.startsWith("payment") &&
    !c.startsWith("upstream") &&
    c !== "settlement_failed" &&
    !c.startsWith("merchant_") &&
    c !== "invalid_payment" &&
    !c.endsWith("_blocked"),
)
  .map((c) => `\`${c}\` (${ERROR_DESCRIPTIONS[c]})`)
  .join("; ")}`;

type Operation = {
  operationId?: string;
  responses?: Record<string, unknown>;
  parameters?: unknown[];
  security?: unknown;
  requestBody?: unknown;
  "x-codeSamples"?: unknown;
};

// The TypeScript sample of each operation: the SDK's X402Admin call (sdk/src/admin/client.ts).
const SDK_CALLS: Record<string, string> = {
  "merchants-get": "await admin.merchant.get()",
  "merchants-updateSettings":
    'await admin.merchant.update({ name: "Signals Inc", payoutAddress: "0x…" })',
  "upstream-get": "await admin.merchant.routing()",
  "upstream-update":
    'await admin.merchant.updateRouting({ upstreamBaseUrl: "https://api.example.com", upstreamTimeoutMs: 15000, chargeOnUpstreamError: false })',
  "upstream-testCall": 'await admin.merchant.testCall({ method: "GET", path: "/api/signal/btc" })',
  "pricingRules-list": "await admin.pricingRules.list()",
  "pricingRules-create":
    'await admin.pricingRules.create({ pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "eip155:8453", asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913" }, { idempotencyKey: crypto.randomUUID() })',
  "pricingRules-update":
    'await admin.pricingRules.update("rule_…", { pathPattern: "/api/signal/*", method: "GET", price: "0.02", network: "eip155:8453", asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913" })',
  "pricingRules-delete": 'await admin.pricingRules.delete("rule_…")',
  "apiKeys-list": "await admin.apiKeys.list()",
  "apiKeys-create": 'const { key } = await admin.apiKeys.create({ name: "CI", scopes: ["read"] })',
  "apiKeys-revoke": 'await admin.apiKeys.revoke("key_…")',
  "transactions-list":
    'for await (const payment of admin.payments.all({ status: "SETTLED" })) console.log(payment.amountAtomic, payment.decimals)',
  "transactions-get": 'await admin.payments.get("pay_…")',
  "entitlements-list": 'await admin.entitlements.list({ state: "all" })',
  "webhooks-list": "await admin.webhooks.list()",
  "webhooks-create":
    'const { secret } = await admin.webhooks.create({ url: "https://example.com/hooks/x402", events: ["payment.settled"] })',
  "webhooks-delete": 'await admin.webhooks.delete("wh_…")',
  "webhooks-sendTest": 'await admin.webhooks.sendTest("wh_…")',
  "webhooks-deliveries": "await admin.webhooks.deliveries()",
};

function codeSamples(baseUrl: string, method: string, path: string, op: Operation) {
  const url = `${baseUrl}${path.replace("{merchantId}", "$MERCHANT_ID").replace("{id}", "$ID")}`;
  const body = op.requestBody
    ? ` \\
  -H 'content-type: application/json' -d '{…}'`
    : "";
  const idempotency =
    method === "post"
      ? ` \\
  -H "Idempotency-Key: $(uuidgen)"`
      : "";
  const sdk = SDK_CALLS[op.operationId ?? ""];
  return [
    {
      lang: "curl",
      label: "curl",
      source: `curl -X ${method.toUpperCase()} "${url}" \\
  -H "Authorization: Bearer $X4G_API_KEY"${idempotency}${body}`,
    },
    ...(sdk
      ? [
          {
            lang: "typescript",
            label: "TypeScript (SDK)",
            source: `import { X402Admin } from "@x402-gateway/sdk";\n\nconst admin = new X402Admin({ endpoint: "${baseUrl.replace(PUBLIC_API_PREFIX, "")}", apiKey: process.env.X4G_API_KEY!, merchantId: process.env.MERCHANT_ID! });\n${sdk};`,
          },
        ]
      : []),
  ];
}

/** The document, with our error shape and conventions on every operation. */
export function buildOpenApiDocument(opts: { baseUrl: string }): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: "x402 Gateway merchant API",
    description: DESCRIPTION,
    version: PUBLIC_API_VERSION,
    openApiVersion: "3.1.0",
    baseUrl: `${opts.baseUrl.replace(/\/$/, "")}${PUBLIC_API_PREFIX}`,
    tags: [...PUBLIC_API_TAGS],
    securitySchemes: {
      apiKey: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "x4g_live_…",
        description: "A merchant API key from the console's Keys page",
      },
    },
  });
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, Error: ERROR_SCHEMA as never },
  };
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  const apiBase = `${opts.baseUrl.replace(/\/$/, "")}${PUBLIC_API_PREFIX}`;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const isPost = method === "post";
      op.parameters = [
        ...(op.parameters ?? []),
        ...(isPost
          ? [
              {
                name: "Idempotency-Key",
                in: "header",
                required: false,
                description:
                  "Retrying with the same key and body returns the first result; another body with the same key is a 409.",
                schema: { type: "string", maxLength: 255 },
              },
            ]
          : []),
      ];
      // trpc-to-openapi describes its own error shape; ours is the one every endpoint answers with
      const ok = Object.fromEntries(
        Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith("2")),
      );
      op.responses = {
        ...ok,
        ...(method === "get"
          ? { "304": { description: "Not modified (If-None-Match matched the ETag)" } }
          : {}),
        "400": errorResponse("invalid_request: malformed JSON, unknown fields, wrong types"),
        "401": errorResponse("unauthorized: no, a malformed, unknown, revoked or expired API key"),
        "403": errorResponse("forbidden: the key's scopes do not allow this"),
        "404": errorResponse("not_found: no such object for this key's merchant"),
        ...(isPost || method === "put" || method === "patch"
          ? { "409": errorResponse("conflict"), "413": errorResponse("payload_too_large") }
          : {}),
        "429": errorResponse("rate_limited: see Retry-After"),
        "500": errorResponse("internal"),
      };
      op["x-codeSamples"] = codeSamples(apiBase, method, path, op);
    }
  }
  return doc;
}
