import { z } from "zod";

// Fee-template inputs, shared by the tRPC procedures and the admin console's forms.

export const MAX_BPS = 10_000;

export const bpsSchema = z
  .number({ error: "Enter the platform take in basis points" })
  .int("Basis points must be a whole number (1 bp = 0.01 %)")
  .min(0, "A fee cannot be negative")
  .max(MAX_BPS, "A fee cannot exceed 100 % (10000 bps)");

/** A fixed fee per paid call in atomic units of the payment's asset (a decimal integer string). */
export const fixedFeeAtomicSchema = z
  .string()
  .trim()
  .max(78)
  .regex(/^-?\d+$/, "Enter a whole number of atomic units (1 USDC = 1000000)")
  .refine((v) => !v.startsWith("-") || /^-0+$/.test(v), "The fixed fee cannot be negative")
  .transform((v) => BigInt(v.replace(/^-/, "")));

export const feeTermsSchema = z.object({
  bps: bpsSchema,
  fixedFeeAtomic: fixedFeeAtomicSchema.default(0n),
  /** when the terms take effect; absent means now. A time in the past is refused. */
  effectiveFrom: z.date().optional(),
});
export type FeeTerms = z.infer<typeof feeTermsSchema>;

export const feeTemplateIdSchema = z.string().regex(/^fee_[0-9a-z]{20}$/, "Not a fee template id");

export const createFeeTemplateInput = feeTermsSchema.extend({
  name: z.string().trim().min(2, "Use at least 2 characters").max(80),
  isDefault: z.boolean().default(false),
});
export type CreateFeeTemplateInput = z.infer<typeof createFeeTemplateInput>;

export const addFeeVersionInput = feeTermsSchema.extend({ templateId: feeTemplateIdSchema });
