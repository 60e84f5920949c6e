import { Prisma } from "@/server/db";

// SQL fragments the admin aggregates share, so "an error" means the same on every admin page.
// A 402 challenge (reason payment_required) is the protocol working, not an error; every other
// refusal (bad or replayed payment, rate limit, inactive merchant) and every failed upstream,
// settlement or deferred settlement counts.

export const IS_ERROR = Prisma.sql`("status" IN ('FAILED', 'UNPAID') OR ("status" = 'REJECTED' AND coalesce("reason", '') <> 'payment_required'))`;

/**
 * Which stage an error belongs to: a refusal whose payment had verified failed at settlement (the
 * facilitator's settle reason, e.g. invalid_exact_evm_transaction_failed, says nothing of the
 * stage); an unpaid deferred call too; a FAILED call failed upstream; every other refusal happened
 * before or at verification. For queries over "UsageRecord" without an alias.
 */
export const ERROR_STAGE = Prisma.sql`CASE
  WHEN "status" = 'UNPAID' THEN 'settlement'
  WHEN "status" = 'REJECTED' AND "paymentId" IS NOT NULL
       AND EXISTS (SELECT 1 FROM "Payment" p WHERE p."id" = "UsageRecord"."paymentId" AND p."verifiedAt" IS NOT NULL) THEN 'settlement'
  WHEN "status" = 'FAILED' THEN 'upstream'
  ELSE 'verification' END`;
