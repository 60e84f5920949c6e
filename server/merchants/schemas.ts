import { z } from "zod";

export const merchantIdSchema = z.string().regex(/^mer_[0-9a-z]{20}$/, "Not a merchant id");

export const evmAddressSchema = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, "Enter a 0x-prefixed 20-byte address")
  .transform((v) => v.toLowerCase());

// Syntax only; the SSRF rules (which depend on deployment settings) run in the domain function.
export const upstreamBaseUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the upstream base URL")
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v), "Use an http:// or https:// URL");

export const createMerchantInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80),
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
  createdAt: z.date(),
});
export type MerchantDto = z.infer<typeof merchantDtoSchema>;

export const myMerchantSchema = merchantDtoSchema.extend({ role: merchantRoleSchema });
export type MyMerchant = z.infer<typeof myMerchantSchema>;

export const upstreamSettingsSchema = z.object({
  upstreamBaseUrl: upstreamBaseUrlSchema,
  upstreamTimeoutMs: z.number().int().min(1000, "At least 1 000 ms").max(120_000, "At most 120 000 ms"),
  chargeOnUpstreamError: z.boolean(),
});
export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;

export const testCallInput = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
  path: z.string().trim().startsWith("/", "Start the path with /").max(2048),
  body: z.string().max(64 * 1024).optional(),
});
export type TestCallInput = z.infer<typeof testCallInput>;

export const testCallResultSchema = z.object({
  url: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.string(),
  truncated: z.boolean(),
});

export const merchantSettingsInput = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80),
  payoutAddress: evmAddressSchema,
});
export type MerchantSettingsInput = z.infer<typeof merchantSettingsInput>;
