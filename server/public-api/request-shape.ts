import { createHash } from "node:crypto";

import type { ErrorBody, ErrorCode } from "@/server/errors";
import { ERROR_CODES } from "@/server/errors";
import { validationTextIn } from "@/server/i18n/validation-text";

// Pure parts of the public API's edge: which documented operation a request is, which of its
// fields the operation does not know, the error body the tRPC adapter's answer becomes, and ETags.

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};
type Parameter = { name: string; in: string };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};
export type OpenApiDoc = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

export type MatchedOperation = { operationId: string; template: string; operation: Operation };

/** The operation a method + path (below the API prefix) names, or null. */
export function matchOperation(
  doc: OpenApiDoc,
  method: string,
  path: string,
): MatchedOperation | null {
  const segments = path.replace(/\/+$/, "").split("/");
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    const op = item[method.toLowerCase()];
    if (!op) continue;
    const parts = template.split("/");
    if (parts.length !== segments.length) continue;
    if (
      parts.every((p, i) =>
        p.startsWith("{") && p.endsWith("}")
          ? (segments[i] ?? "") !== ""
          : p.toLowerCase() === segments[i]?.toLowerCase(),
      )
    ) {
      return { operationId: op.operationId ?? `${method} ${template}`, template, operation: op };
    }
  }
  return null;
}

function resolve(doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  return resolve(doc, doc.components?.schemas?.[schema.$ref.replace("#/components/schemas/", "")]);
}

function admits(schema: JsonSchema | undefined, value: unknown): boolean {
  if (!schema?.type) return true;
  const kind =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : typeof value === "object"
          ? "object"
          : typeof value;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes(kind) || (kind === "number" && types.includes("integer"));
}

/**
 * Dotted paths of the fields in `value` that the schema does not declare. zod strips unknown keys
 * silently, which would turn a typo ("prize") into a default; the API refuses them instead.
 */
export function unknownFields(
  doc: OpenApiDoc,
  schemaIn: JsonSchema | undefined,
  value: unknown,
  at = "",
): string[] {
  const schema = resolve(doc, schemaIn);
  if (!schema || value === null || typeof value !== "object") return [];
  const variants = (schema.anyOf ?? schema.oneOf)?.filter((v) => admits(resolve(doc, v), value));
  if (variants) {
    // the value belongs to whichever variant of its type explains it best
    const results = variants.map((v) => unknownFields(doc, v, value, at));
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
  }
  if (schema.allOf) return schema.allOf.flatMap((s) => unknownFields(doc, s, value, at));
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      const itemSchema = Array.isArray(schema.items)
        ? schema.items[i]
        : (schema.prefixItems?.[i] ?? schema.items);
      return unknownFields(doc, itemSchema, item, `${at}${at ? "." : ""}${i}`);
    });
  }
  if (!schema.properties) return [];
  const extra =
    typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const path = `${at}${at ? "." : ""}${key}`;
    const declared = schema.properties?.[key] ?? extra;
    return declared ? unknownFields(doc, declared, v, path) : [path];
  });
}

/** The JSON schema of an operation's body. */
export function bodySchemaOf(op: Operation): JsonSchema | undefined {
  return op.requestBody?.content?.["application/json"]?.schema;
}

/** Query parameters the operation does not declare. */
export function unknownQueryParameters(op: Operation, query: URLSearchParams): string[] {
  const known = new Set((op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
  return [...new Set(query.keys())].filter((k) => !known.has(k));
}

type AdapterError = {
  message?: string;
  data?: {
    appCode?: string;
    zodError?: Record<string, string[] | undefined> | null;
    requestId?: string | null;
  };
  issues?: { path?: (string | number)[]; message: string }[];
};

/**
 * Our one error body from what the tRPC adapter sends: the app code the tRPC error formatter
 * derived (the same as the console sees), field errors by dotted path, the request id.
 */
export function toPublicErrorBody(adapter: unknown, requestId: string): ErrorBody {
  const a = (adapter ?? {}) as AdapterError;
  const code = (ERROR_CODES as string[]).includes(a.data?.appCode ?? "")
    ? (a.data!.appCode as ErrorCode)
    : "internal";
  // field errors are validation messages (server/i18n/validation-keys.ts): the API answers in English
  const english = (message: string) => validationTextIn("en", message);
  const fieldErrors: Record<string, string[]> = {};
  if (a.issues?.length) {
    for (const issue of a.issues) {
      const key = (issue.path ?? []).join(".") || "body";
      (fieldErrors[key] ??= []).push(english(issue.message));
    }
  } else if (a.data?.zodError) {
    for (const [k, v] of Object.entries(a.data.zodError))
      if (v?.length) fieldErrors[k] = v.map(english);
  }
  const message = code === "internal" ? "Internal error" : a.message || "Request failed";
  const details = Object.keys(fieldErrors).length ? { fieldErrors } : undefined;
  return { error: { code, message, ...(details ? { details } : {}), requestId } };
}

/** A strong ETag over the exact bytes of a representation. */
export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** Whether an If-None-Match header names this ETag (a list, weak forms, or *). */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** The fingerprint an Idempotency-Key is bound to. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method.toUpperCase()} ${path}\n${body}`).digest("hex");
}
