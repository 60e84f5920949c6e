import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

// The form of the merchant's batch-settlement thresholds, shared by the procedure and the console.
// A channel's payer may withdraw what was never claimed once its 15-minute withdraw delay passed, so
// calls must be claimed well within it: the age is capped at ten minutes.

export const BATCH_MAX_AGE_LIMIT_SECONDS = 600;

export const batchSettingsInput = z.object({
  /** claim once this many calls wait */
  maxCalls: z
    .number()
    .int()
    .min(1, vmsg("batch.maxCallsRange"))
    .max(10_000, vmsg("batch.maxCallsRange")),
  /** claim once the oldest waiting call is this old (seconds) */
  maxAgeSeconds: z
    .number()
    .int()
    .min(15, vmsg("batch.maxAgeRange", { max: BATCH_MAX_AGE_LIMIT_SECONDS }))
    .max(
      BATCH_MAX_AGE_LIMIT_SECONDS,
      vmsg("batch.maxAgeRange", { max: BATCH_MAX_AGE_LIMIT_SECONDS }),
    ),
});
