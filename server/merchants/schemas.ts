import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

import { rateLimitsSchema } from "@/server/platform/schemas";
import { unmatchedMethodsSchema } from "@/server/pricing/schemas";

export const merchantIdSchema = z
  .string()
  .regex(/^mer_[0-9a-z]{20}$/, vmsg("merchants.notMerchantId"));

export const evmAddressSchema = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, vmsg("merchants.address"))
  .transform((v) => v.toLowerCase());

// Syntax only; the SSRF rules (which depend on deployment settings) run in the domain function.
export const upstreamBaseUrlSchema = z
  .string()
  .trim()
  .min(1, vmsg("merchants.enterUpstreamUrl"))
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v), vmsg("merchants.httpUrl"));

export const createMerchantInput = z.object({
  name: z.string().trim().min(2).max(80),
  upstreamBaseUrl: upstreamBaseUrlSchema,
  payoutAddress: evmAddressSchema,
  settlementMode: z.enum(["DIRECT", "PLATFORM"]).default("DIRECT"),
});
export type CreateMerchantInput = z.infer<typeof createMerchantInput>;

export const merchantStatusSchema = z.enum(["PENDING_REVIEW", "ACTIVE", "DISABLED"]);
export const merchantRoleSchema = z.enum(["OWNER", "ADMIN", "DEVELOPER"]);

export const merchantDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: merchantStatusSchema,
  statusReason: z.string().nullable(),
  upstreamBaseUrl: z.string(),
  payoutAddress: z.string(),
  settlementMode: z.enum(["DIRECT", "PLATFORM"]),
  /** listed in discovery: the `bazaar` extension in its 402s and GET /discovery/resources */
  discoverable: z.boolean(),
  createdAt: z.date(),
});
export type MerchantDto = z.infer<typeof merchantDtoSchema>;

export const myMerchantSchema = merchantDtoSchema.extend({ role: merchantRoleSchema });
export type MyMerchant = z.infer<typeof myMerchantSchema>;

export const upstreamSettingsSchema = z.object({
  upstreamBaseUrl: upstreamBaseUrlSchema,
  upstreamTimeoutMs: z
    .number()
    .int()
    .min(1000, vmsg("merchants.timeoutMin"))
    .max(120_000, vmsg("merchants.timeoutMax")),
  chargeOnUpstreamError: z.boolean(),
});
export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;

export const testCallInput = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
  path: z.string().trim().startsWith("/", vmsg("merchants.pathSlash")).max(2048),
  body: z
    .string()
    .max(64 * 1024)
    .optional(),
});
export type TestCallInput = z.infer<typeof testCallInput>;

export const testCallResultSchema = z.object({
  url: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.string(),
  truncated: z.boolean(),
  /** what the upstream received (URL and headers, credentials masked), when the call reached it */
  upstreamRequest: z
    .object({ url: z.string(), headers: z.array(z.tuple([z.string(), z.string()])) })
    .nullable(),
});

export const merchantSettingsInput = z.object({
  name: z.string().trim().min(2).max(80),
  payoutAddress: evmAddressSchema,
  /** list the merchant's paid endpoints in discovery (left out: unchanged) */
  discoverable: z.boolean().optional(),
});
export type MerchantSettingsInput = z.infer<typeof merchantSettingsInput>;

// ───────────────────────────── upstream trust ─────────────────────────────

export const signingSecretStatusSchema = z.object({
  current: z.object({ generation: z.number(), createdAt: z.date(), revealed: z.boolean() }),
  /** older secrets still signing during a rotation's overlap window */
  previous: z.array(z.object({ generation: z.number(), expiresAt: z.date() })),
});
export type SigningSecretStatus = z.infer<typeof signingSecretStatusSchema>;

export const MAX_SIGNING_OVERLAP_SECONDS = 7 * 24 * 3600;
export const rotateSigningSecretInput = z.object({
  /** how long the secret being replaced keeps signing; 0 ends it now */
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_SIGNING_OVERLAP_SECONDS, vmsg("merchants.overlapMax")),
});

export const credentialLocationSchema = z.enum(["HEADER", "QUERY"]);

// Headers the gateway owns or that are per-hop: a credential may not replace them.
const RESERVED_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "content-type",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "cookie",
  "x-request-id",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

/** RFC 9110 §5.1 token: what a header name may be. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/**
 * What a header value we send may be: visible ASCII, spaces and tabs (RFC 9110 §5.5 without the
 * obsolete Latin-1 range). Node refuses anything outside Latin-1 by throwing from the request
 * constructor, and Latin-1 bytes are read differently by different upstreams.
 */
export const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

function isWellFormedText(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

export const upstreamCredentialInput = z
  .object({
    location: credentialLocationSchema,
    name: z.string().trim().min(1, vmsg("common.enterName")).max(100),
    /** write-only: stored encrypted, shown masked */
    value: z
      .string()
      .min(1, vmsg("merchants.enterValue"))
      .max(4096)
      .refine((v) => !/[\r\n\0]/.test(v), vmsg("merchants.valueLineBreaks"))
      // encodeURIComponent (the query location) throws on a lone surrogate
      .refine(isWellFormedText, vmsg("merchants.valueInvalidChar")),
    /** null or absent: every request of the merchant; a rule id: only requests that rule prices */
    ruleId: z.string().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.location === "HEADER") {
      if (!HEADER_NAME.test(v.name))
        ctx.addIssue({ code: "custom", path: ["name"], message: vmsg("merchants.headerName") });
      if (!HEADER_VALUE.test(v.value))
        ctx.addIssue({
          code: "custom",
          path: ["value"],
          message: vmsg("merchants.headerValue"),
        });
      const lower = v.name.toLowerCase();
      if (
        RESERVED_HEADERS.has(lower) ||
        lower.startsWith("x-x402-") ||
        lower.startsWith("x-gateway-")
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["name"],
          message: vmsg("merchants.reservedHeader", { name: v.name }),
        });
      }
    } else if (!/^[A-Za-z0-9._~\-[\]]+$/.test(v.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: vmsg("merchants.queryName"),
      });
    }
  });
export type UpstreamCredentialInput = z.infer<typeof upstreamCredentialInput>;

export const upstreamCredentialDtoSchema = z.object({
  id: z.string(),
  location: credentialLocationSchema,
  name: z.string(),
  maskedValue: z.string(),
  ruleId: z.string().nullable(),
  rulePattern: z.string().nullable(),
  updatedAt: z.date(),
});
export type UpstreamCredentialDto = z.infer<typeof upstreamCredentialDtoSchema>;

export const upstreamHealthSchema = z.object({
  windowHours: z.number(),
  /** calls that reached (or tried to reach) the upstream */
  calls: z.number(),
  /** answers >= 500, timeouts and connection failures */
  errors: z.number(),
  errorRate: z.number().nullable(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  lastErrorAt: z.date().nullable(),
});
export type UpstreamHealth = z.infer<typeof upstreamHealthSchema>;
export const upstreamHealthInput = z.object({
  windowHours: z.union([z.literal(1), z.literal(24)]).default(24),
});

/**
 * How the gateway treats a merchant's traffic: what happens to a priced path's methods no rule
 * names (PROXY_FREE serves them free, REFUSE answers 404), and its rate limits (per minute, each
 * at most the platform's cap).
 */
export const trafficSettingsSchema = z.object({
  unmatchedMethods: unmatchedMethodsSchema,
  rateLimits: rateLimitsSchema,
});
export type TrafficSettings = z.infer<typeof trafficSettingsSchema>;
export const trafficSettingsDtoSchema = trafficSettingsSchema.extend({ caps: rateLimitsSchema });
