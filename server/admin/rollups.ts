import { Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";

import { IS_ERROR } from "./metrics-sql";

// Daily rollups of closed UTC days for the admin's platform-wide aggregates. They are derived data:
// a query over [from, to) reads rollups for the days before `through` and the raw rows after it, so
// the numbers are the same whether or not the rollups ran (only the speed differs). The rollups are
// refreshed on read, at most once per day, by whichever admin request first finds them stale.

const DAY_MS = 86_400_000;
const STATE_KEY = "daily";

/**
 * A day is rolled up only once it closed this long ago: the access log is written in batches and a
 * few rows of a day land after midnight. Each refresh also re-rolls the last day it had rolled, so a
 * row up to a day late is still counted.
 */
export const ROLLUP_MARGIN_MS = 3_600_000;

/** The latest UTC midnight M with M + margin <= now: every day before M is closed. */
export function closedThrough(now: Date): Date {
  return new Date(Math.floor((now.getTime() - ROLLUP_MARGIN_MS) / DAY_MS) * DAY_MS);
}

type Db = Pick<Deps, "db" | "now">;

/** Brings the rollups up to the last closed day; returns how far they reach (null: none yet). */
export async function ensureDailyRollups(deps: Db): Promise<Date | null> {
  const target = closedThrough(deps.now());
  const state = await deps.db.rollupState.findUnique({ where: { key: STATE_KEY } });
  if (state && state.through.getTime() >= target.getTime()) return state.through;
  return deps.db.$transaction(
    async (tx) => {
      // one refresher at a time; the others read raw rows meanwhile instead of waiting
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(hashtext('x402_daily_rollups')) AS locked`;
      if (!lock?.locked) return state?.through ?? null;
      const current = await tx.rollupState.findUnique({ where: { key: STATE_KEY } });
      if (current && current.through.getTime() >= target.getTime()) return current.through;
      let start: Date;
      if (current) {
        start = new Date(current.through.getTime() - DAY_MS);
      } else {
        const [first] = await tx.$queryRaw<{ first: Date | null }[]>`
          SELECT date_trunc('day', least((SELECT min("createdAt") FROM "UsageRecord"), (SELECT min("createdAt") FROM "LedgerEntry"))) AS first`;
        start = first?.first ?? target;
      }
      if (start.getTime() < target.getTime()) {
        await tx.$executeRaw`DELETE FROM "UsageDailyRollup" WHERE "day" >= ${start} AND "day" < ${target}`;
        await tx.$executeRaw`DELETE FROM "PayerDailyRollup" WHERE "day" >= ${start} AND "day" < ${target}`;
        await tx.$executeRaw`DELETE FROM "LedgerDailyRollup" WHERE "day" >= ${start} AND "day" < ${target}`;
        await tx.$executeRaw`
          INSERT INTO "UsageDailyRollup" ("day", "merchantId", "ruleId", "calls", "paidCalls", "errors", "revenueAtomic")
          SELECT date_trunc('day', "createdAt"), "merchantId", coalesce("ruleId", ''), count(*),
                 count(*) FILTER (WHERE "status" = 'CHARGED'), count(*) FILTER (WHERE ${IS_ERROR}),
                 coalesce(sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'), 0)
            FROM "UsageRecord" WHERE "createdAt" >= ${start} AND "createdAt" < ${target}
           GROUP BY 1, 2, 3`;
        await tx.$executeRaw`
          INSERT INTO "PayerDailyRollup" ("day", "payer")
          SELECT DISTINCT date_trunc('day', "createdAt"), "payer"
            FROM "UsageRecord" WHERE "status" = 'CHARGED' AND "payer" IS NOT NULL AND "createdAt" >= ${start} AND "createdAt" < ${target}`;
        await tx.$executeRaw`
          INSERT INTO "LedgerDailyRollup" ("day", "merchantId", "type", "amountAtomic")
          SELECT date_trunc('day', "createdAt"), "merchantId", "type", sum("amountAtomic")
            FROM "LedgerEntry" WHERE "createdAt" >= ${start} AND "createdAt" < ${target}
           GROUP BY 1, 2, 3`;
      }
      await tx.rollupState.upsert({
        where: { key: STATE_KEY },
        create: { key: STATE_KEY, through: target },
        update: { through: target },
      });
      return target;
    },
    // the first rollup of a large history takes seconds; later ones cover one or two days
    { timeout: 300_000, maxWait: 10_000 },
  );
}

/**
 * Where a day-aligned window [from, to) switches from rollups to raw rows: the rollups' reach,
 * clamped into the window (from itself when there are no rollups or the window is not day-aligned).
 */
export function rollupCut(w: { from: Date; to: Date }, through: Date | null): Date {
  if (!through || w.from.getTime() % DAY_MS !== 0) return w.from;
  return new Date(Math.min(Math.max(through.getTime(), w.from.getTime()), w.to.getTime()));
}

/** One merchant's rows only (the console's revenue view), or every merchant's (the admin's). */
export type RollupScope = { merchantId?: string };

function merchantFilter(scope: RollupScope): Prisma.Sql {
  return scope.merchantId ? Prisma.sql` AND "merchantId" = ${scope.merchantId}` : Prisma.empty;
}

/** Usage per (day, merchant, rule) over [from, to): rollups before `cut`, raw rows from it. */
export function usageDaysSql(
  w: { from: Date; to: Date },
  cut: Date,
  scope: RollupScope = {},
): Prisma.Sql {
  return Prisma.sql`
    SELECT "day" AS at, "merchantId", "ruleId", "calls"::bigint AS calls, "paidCalls"::bigint AS paid, "errors"::bigint AS errors, "revenueAtomic" AS revenue
      FROM "UsageDailyRollup" WHERE "day" >= ${w.from} AND "day" < ${cut}${merchantFilter(scope)}
    UNION ALL
    SELECT date_trunc('day', "createdAt"), "merchantId", coalesce("ruleId", ''), count(*),
           count(*) FILTER (WHERE "status" = 'CHARGED'), count(*) FILTER (WHERE ${IS_ERROR}),
           coalesce(sum("amountAtomic") FILTER (WHERE "status" = 'CHARGED'), 0)
      FROM "UsageRecord" WHERE "createdAt" >= ${cut} AND "createdAt" < ${w.to}${merchantFilter(scope)}
     GROUP BY 1, 2, 3`;
}

/** Ledger sums per (day, merchant, type) over [from, to): rollups before `cut`, raw rows from it. */
export function ledgerDaysSql(
  w: { from: Date; to: Date },
  cut: Date,
  scope: RollupScope = {},
): Prisma.Sql {
  return Prisma.sql`
    SELECT "day" AS at, "merchantId", "type", "amountAtomic" AS amount
      FROM "LedgerDailyRollup" WHERE "day" >= ${w.from} AND "day" < ${cut}${merchantFilter(scope)}
    UNION ALL
    SELECT date_trunc('day', "createdAt"), "merchantId", "type", sum("amountAtomic")
      FROM "LedgerEntry" WHERE "createdAt" >= ${cut} AND "createdAt" < ${w.to}${merchantFilter(scope)}
     GROUP BY 1, 2, 3`;
}

/**
 * The distinct paying wallets over [from, to) (a UNION, which removes duplicates across days). The
 * payer rollup is platform-wide (no merchant column), so one merchant's payers come from its raw
 * rows over the whole window, through the (merchantId, status, createdAt) index.
 */
export function payersSql(
  w: { from: Date; to: Date },
  cut: Date,
  scope: RollupScope = {},
): Prisma.Sql {
  if (scope.merchantId) {
    return Prisma.sql`
      SELECT DISTINCT "payer" FROM "UsageRecord"
       WHERE "merchantId" = ${scope.merchantId} AND "status" = 'CHARGED' AND "payer" IS NOT NULL AND "createdAt" >= ${w.from} AND "createdAt" < ${w.to}`;
  }
  return Prisma.sql`
    SELECT "payer" FROM "PayerDailyRollup" WHERE "day" >= ${w.from} AND "day" < ${cut}
    UNION
    SELECT "payer" FROM "UsageRecord" WHERE "status" = 'CHARGED' AND "payer" IS NOT NULL AND "createdAt" >= ${cut} AND "createdAt" < ${w.to}`;
}
