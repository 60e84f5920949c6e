import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// Ledger corrections (platform admins): one schema per boundary, shared by the admin form and the
// procedures (STYLE 2.1 §4).

export const correctionDirectionSchema = z.enum(["CREDIT", "DEBIT"]);

export const createCorrectionInput = z.object({
  merchantId: z.string().trim().min(1, vmsg("billing.enterMerchantId")).max(64),
  /** CREDIT: the platform owes the merchant more; DEBIT: less */
  direction: correctionDirectionSchema,
  /** atomic units of the asset, a whole number above zero */
  amountAtomic: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,77}$/, vmsg("billing.atomicAboveZero")),
  /** CAIP-2 network and token; taken from the linked payment or payout when omitted */
  network: z.string().trim().max(64).optional(),
  asset: z.string().trim().max(64).optional(),
  reason: z.string().trim().min(3, vmsg("common.sayWhy")).max(500),
  paymentId: z.string().trim().max(64).optional(),
  payoutId: z.string().trim().max(64).optional(),
});
export type CreateCorrectionInput = z.infer<typeof createCorrectionInput>;

export const decideCorrectionInput = z.object({ correctionId: z.string().trim().min(1).max(64) });
export const rejectCorrectionInput = decideCorrectionInput.extend({
  note: z.string().trim().min(3, vmsg("common.sayWhy")).max(500),
});

export const correctionThresholdInput = z.object({
  /** corrections above this many atomic units wait for a second admin; "0" makes every one wait */
  thresholdAtomic: z
    .string()
    .trim()
    .regex(/^\d{1,78}$/, vmsg("common.wholeAtomicUnits")),
});
