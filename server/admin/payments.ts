import { z } from "zod";

import { getPayment, listPayments, listTransactionsInput } from "@/server/billing/transactions";
import type { Deps } from "@/server/deps";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { ERROR_STAGE, IS_ERROR } from "./metrics-sql";

// Payments and errors across every merchant: the console's transaction filters plus merchant and
// payer, and failures grouped by stage, reason and merchant over time.

export const adminListPaymentsInput = listTransactionsInput.extend({
  merchantId: merchantIdSchema.optional(),
  payer: z.string().trim().max(64).optional(),
});

export async function adminListPayments(
  deps: Pick<Deps, "db" | "env">,
  input: z.infer<typeof adminListPaymentsInput>,
) {
  const page = await listPayments(deps, { ...input, merchantId: input.merchantId });
  const names = await deps.db.merchant.findMany({
    where: { id: { in: [...new Set(page.items.map((p) => p.merchantId))] } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(names.map((m) => [m.id, m.name]));
  return {
    ...page,
    items: page.items.map((p) => ({
      ...p,
      merchantName: nameOf.get(p.merchantId) ?? p.merchantId,
    })),
  };
}

export async function adminGetPayment(deps: Pick<Deps, "db" | "env">, opts: { paymentId: string }) {
  const payment = await getPayment(deps, { merchantId: undefined, paymentId: opts.paymentId });
  const merchant = await deps.db.merchant.findUnique({
    where: { id: payment.merchantId },
    select: { name: true },
  });
  return { ...payment, merchantName: merchant?.name ?? payment.merchantId };
}

export const errorsReportInput = z.object({
  days: z.number().int().min(1).max(90).default(7),
  merchantId: merchantIdSchema.optional(),
});

type Group = {
  stage: string;
  reason: string;
  merchantId: string;
  merchantName: string;
  count: number;
  last: Date;
};

/**
 * Failed verifications, settlements and upstream calls over the last `days`: grouped by stage,
 * reason and merchant, a daily series per stage, and failed payments by their recorded reason.
 */
export async function getErrorsReport(
  deps: Pick<Deps, "db" | "now">,
  input: z.infer<typeof errorsReportInput>,
) {
  const since = new Date(
    Date.UTC(deps.now().getUTCFullYear(), deps.now().getUTCMonth(), deps.now().getUTCDate()) -
      (input.days - 1) * 86_400_000,
  );
  const merchant = input.merchantId ?? null;
  const [groups, series, payments] = await Promise.all([
    deps.db.$queryRaw<
      {
        stage: string;
        reason: string;
        merchantId: string;
        merchantName: string;
        count: bigint;
        last: Date;
      }[]
    >`
      SELECT g.stage, g.reason, g."merchantId", m."name" AS "merchantName", g.count, g.last
        FROM (SELECT ${ERROR_STAGE} AS stage, coalesce("reason", 'unknown') AS reason, "merchantId", count(*) AS count, max("createdAt") AS last
                FROM "UsageRecord"
               WHERE "createdAt" >= ${since} AND ${IS_ERROR} AND (${merchant}::text IS NULL OR "merchantId" = ${merchant})
               GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 200) g
        JOIN "Merchant" m ON m."id" = g."merchantId"
       ORDER BY g.count DESC, g.stage, g.reason`,
    deps.db.$queryRaw<{ day: string; stage: string; count: bigint }[]>`
      SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, ${ERROR_STAGE} AS stage, count(*) AS count
        FROM "UsageRecord"
       WHERE "createdAt" >= ${since} AND ${IS_ERROR} AND (${merchant}::text IS NULL OR "merchantId" = ${merchant})
       GROUP BY 1, 2`,
    deps.db.$queryRaw<
      { reason: string; merchantId: string; merchantName: string; count: bigint; last: Date }[]
    >`
      SELECT p.reason, p."merchantId", m."name" AS "merchantName", p.count, p.last
        FROM (SELECT coalesce("errorReason", 'unknown') AS reason, "merchantId", count(*) AS count, max("createdAt") AS last
                FROM "Payment"
               WHERE "status" = 'FAILED' AND "createdAt" >= ${since} AND (${merchant}::text IS NULL OR "merchantId" = ${merchant})
               GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 100) p
        JOIN "Merchant" m ON m."id" = p."merchantId"
       ORDER BY p.count DESC`,
  ]);
  return {
    since,
    groups: groups.map((g): Group => ({ ...g, count: Number(g.count) })),
    series: errorSeries(
      since,
      input.days,
      series.map((s) => ({ day: s.day, stage: s.stage, count: Number(s.count) })),
    ),
    failedPayments: payments.map((p) => ({ ...p, count: Number(p.count) })),
  };
}

export const ERROR_STAGES = ["verification", "settlement", "upstream"] as const;

/** Pure: one row per UTC day from `since`, with a count per stage (zero when none). */
export function errorSeries(
  since: Date,
  days: number,
  rows: { day: string; stage: string; count: number }[],
) {
  const out: ({ day: string } & Record<(typeof ERROR_STAGES)[number], number>)[] = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const point = { day, verification: 0, settlement: 0, upstream: 0 };
    for (const r of rows)
      if (r.day === day && (ERROR_STAGES as readonly string[]).includes(r.stage))
        point[r.stage as (typeof ERROR_STAGES)[number]] += r.count;
    out.push(point);
  }
  return out;
}
