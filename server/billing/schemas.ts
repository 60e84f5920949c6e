import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// Fee-template inputs, shared by the tRPC procedures and the admin console's forms.

export const MAX_BPS = 10_000;

export const bpsSchema = z
  .number({ error: vmsg("billing.enterBps") })
  .int(vmsg("billing.bpsWhole"))
  .min(0, vmsg("billing.feeNegative"))
  .max(MAX_BPS, vmsg("billing.feeTooHigh"));

/** A fixed fee per paid call in atomic units of the payment's asset (a decimal integer string). */
export const fixedFeeAtomicSchema = z
  .string()
  .trim()
  .max(78)
  .regex(/^-?\d+$/, vmsg("billing.fixedFeeWhole"))
  .refine((v) => !v.startsWith("-") || /^-0+$/.test(v), vmsg("billing.fixedFeeNegative"))
  .transform((v) => BigInt(v.replace(/^-/, "")));

export const feeTermsSchema = z.object({
  bps: bpsSchema,
  fixedFeeAtomic: fixedFeeAtomicSchema.default(0n),
  /** when the terms take effect; absent means now. A time in the past is refused. */
  effectiveFrom: z.date().optional(),
});
export type FeeTerms = z.infer<typeof feeTermsSchema>;

export const feeTemplateIdSchema = z
  .string()
  .regex(/^fee_[0-9a-z]{20}$/, vmsg("billing.notFeeTemplateId"));

export const createFeeTemplateInput = feeTermsSchema.extend({
  name: z.string().trim().min(2).max(80),
  isDefault: z.boolean().default(false),
});
export type CreateFeeTemplateInput = z.infer<typeof createFeeTemplateInput>;

export const addFeeVersionInput = feeTermsSchema.extend({ templateId: feeTemplateIdSchema });
