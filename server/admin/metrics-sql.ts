import { Prisma } from "@/server/db";

// SQL fragments the admin aggregates share, so "an error" means the same on every admin page.
// A 402 challenge (reason payment_required) is the protocol working, not an error; every other
// refusal (bad or replayed payment, rate limit, inactive merchant) and every failed upstream,
// settlement or deferred settlement counts.

export const IS_ERROR = Prisma.sql`("status" IN ('FAILED', 'UNPAID') OR ("status" = 'REJECTED' AND coalesce("reason", '') <> 'payment_required'))`;

/** Which stage an error belongs to, from its usage record's status and reason. */
export const ERROR_STAGE = Prisma.sql`CASE
  WHEN "status" = 'UNPAID' OR coalesce("reason", '') LIKE '%settle%' THEN 'settlement'
  WHEN "status" = 'FAILED' THEN 'upstream'
  ELSE 'verification' END`;
