import {
  BAZAAR,
  bazaarResourceServerExtension,
  declareDiscoveryExtension,
  isValidRouteTemplate,
  validateDiscoveryExtension,
  type BodyDiscoveryExtension,
  type QueryDiscoveryExtension,
} from "@x402/extensions/bazaar";
import type { PricingRule } from "@/server/db";

// Pure: a pricing rule → its declaration in the official `bazaar` discovery extension (see
// shared/x402.md), built with the package's own helpers: `declareDiscoveryExtension` for the shape,
// the package's server enricher for the method and the route template. The 402 of a route and the
// discovery list both use it, so what a facilitator would catalogue from a payment equals what we list.

/** An HTTP route's declaration; `routeTemplate` is set for a pattern with wildcards. */
export type HttpDiscoveryExtension = QueryDiscoveryExtension | BodyDiscoveryExtension;

export const BAZAAR_KEY = BAZAAR.key;

const QUERY_METHODS = ["GET", "HEAD", "DELETE"] as const;
const BODY_METHODS = ["POST", "PUT", "PATCH"] as const;
type DiscoveryMethod = (typeof QUERY_METHODS)[number] | (typeof BODY_METHODS)[number];

export type DiscoveryRule = Pick<
  PricingRule,
  "methods" | "pathPattern" | "description" | "inputSchema" | "outputSchema"
>;

const asSchema = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** The method a declaration names: the request's, else the one a client tries first (GET when the rule prices it). */
export function discoveryMethodOf(
  rule: Pick<PricingRule, "methods">,
  requestMethod?: string,
): DiscoveryMethod | null {
  const method = (
    requestMethod ??
    (rule.methods.includes("ANY") || rule.methods.includes("GET") ? "GET" : rule.methods[0]) ??
    "GET"
  ).toUpperCase();
  return (QUERY_METHODS as readonly string[]).includes(method) ||
    (BODY_METHODS as readonly string[]).includes(method)
    ? (method as DiscoveryMethod)
    : null;
}

/**
 * A rule's pattern as the convention's route template (`:name` segments): each `*` or `**` becomes
 * `:var1`, `:var2`… (the package's own naming for `*` segments). A `**` stands for a rest of the
 * path that may span segments; the template cannot say that, so it names it as one parameter.
 * `prefix` is the path before the pattern (the gateway's base path and the merchant id).
 * Null when the result is not a valid template (a pattern with characters the convention refuses).
 */
export function routeTemplateOf(prefix: string, pattern: string): string | null {
  let n = 0;
  const template = `${prefix}${pattern.replace(/\*\*|\*/g, () => `:var${++n}`)}`;
  return isValidRouteTemplate(template) ? template : null;
}

/** The path before a merchant's rule patterns on the public origin: the gateway's base path and the merchant id. */
export function gatewayPathPrefix(gatewayUrl: string, merchantId: string): string {
  return `${new URL(gatewayUrl).pathname.replace(/\/+$/, "")}/${merchantId}`;
}

/** A value that satisfies a property's schema, for the declaration's example input (required fields need one). */
function exampleValue(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "number" || type === "integer")
    return typeof schema.minimum === "number" ? schema.minimum : 0;
  if (type === "boolean") return false;
  if (type === "array") return [];
  if (type === "object") return exampleObject(schema);
  if (type === "null") return null;
  return "";
}

function exampleObject(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = asSchema(schema.properties) ?? {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((r): r is string => typeof r === "string")
    : [];
  return Object.fromEntries(
    required.map((name) => [name, exampleValue(asSchema(properties[name]) ?? {})]),
  );
}

/**
 * The `bazaar` declaration of a rule for one call: `path` is the request's path on the public origin
 * (the merchant id included), `prefix` the path before the rule's pattern. Null for a method the
 * convention cannot describe (OPTIONS).
 */
export function bazaarDeclaration(
  rule: DiscoveryRule,
  opts: { method?: string; path: string; prefix: string },
): HttpDiscoveryExtension | null {
  const method = discoveryMethodOf(rule, opts.method);
  if (!method) return null;
  const inputSchema = asSchema(rule.inputSchema);
  const input = inputSchema ? exampleObject(inputSchema) : undefined;
  const declared = (BODY_METHODS as readonly string[]).includes(method)
    ? declareDiscoveryExtension({
        bodyType: "json",
        input,
        inputSchema: inputSchema ? { type: "object", ...inputSchema } : undefined,
      })
    : declareDiscoveryExtension({ input, inputSchema });
  const template = routeTemplateOf(opts.prefix, rule.pathPattern);
  // the package's server enricher adds the method, and for a pattern with wildcards the route template and path params
  const enriched = bazaarResourceServerExtension.enrichDeclaration!(declared[BAZAAR.key], {
    method,
    adapter: { getPath: () => opts.path },
    routePattern: template ?? undefined,
  } as never) as HttpDiscoveryExtension;
  const outputSchema = asSchema(rule.outputSchema);
  if (!outputSchema) return enriched;
  // the convention describes the response under `output.example`; we publish its schema (no example value)
  return {
    ...enriched,
    info: { ...enriched.info, output: { type: "json" } },
    schema: {
      ...enriched.schema,
      properties: {
        ...enriched.schema.properties,
        output: {
          type: "object",
          properties: { type: { type: "string" }, example: { type: "object", ...outputSchema } },
          required: ["type"],
        },
      },
    },
  } as HttpDiscoveryExtension;
}

/** Whether the package's validator accepts the declaration (a rule's schemas are checked with it when saved). */
export function checkDeclaration(extension: HttpDiscoveryExtension): {
  valid: boolean;
  errors?: string[];
} {
  return validateDiscoveryExtension(extension);
}
