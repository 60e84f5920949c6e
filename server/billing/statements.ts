import { z } from "zod";

import type { PrismaClient } from "@/server/db";
import { AppError } from "@/server/errors";
import type { NetworkRegistry } from "@/server/networks/config";
import { vmsg } from "@/server/i18n/validation-keys";

// A merchant's monthly statement, per network and asset, computed in SQL from the append-only
// ledger: entries are signed from the merchant's point of view, so the opening balance is the sum
// of everything before the month and the closing balance adds the month's entries. The balance is
// what the platform owes the merchant (negative: what the merchant owes the platform, e.g. fees in
// DIRECT mode, where payers pay the merchant's wallet and that counts as paid out at once).

// The month is optional and resolved when the request is served (`statementMonth`), never in the
// schema: a default computed here would be frozen into the generated OpenAPI document by the clock.
export const statementInput = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, vmsg("billing.month"))
    .optional()
    .describe(
      "YYYY-MM (UTC). When omitted, the current UTC month at the time the request is served.",
    ),
});

/** The statement month a request asks for: its own, or the current UTC month at `now`. */
export function statementMonth(month: string | undefined, now: Date): string {
  return month ?? now.toISOString().slice(0, 7);
}

export const statementLineSchema = z.object({
  network: z.string(),
  asset: z.string(),
  symbol: z.string(),
  decimals: z.number().int(),
  opening: z.string(),
  gross: z.string(),
  fees: z.string(),
  refunds: z.string(),
  adjustments: z.string(),
  net: z.string(),
  payouts: z.string(),
  closing: z.string(),
  paidCalls: z.number().int(),
});

export const statementSchema = z.object({
  merchantId: z.string(),
  merchantName: z.string(),
  settlementMode: z.enum(["DIRECT", "PLATFORM"]),
  month: z.string(),
  periodStart: z.date(),
  periodEnd: z.date(),
  lines: z.array(statementLineSchema),
});

export type StatementLine = {
  network: string;
  asset: string;
  symbol: string;
  decimals: number;
  opening: string;
  gross: string;
  fees: string;
  refunds: string;
  adjustments: string;
  net: string;
  /** to the merchant: settlement-run payouts, and payments made straight to its wallet (DIRECT) */
  payouts: string;
  closing: string;
  paidCalls: number;
};

export type Statement = {
  merchantId: string;
  merchantName: string;
  settlementMode: "DIRECT" | "PLATFORM";
  month: string;
  periodStart: Date;
  periodEnd: Date;
  lines: StatementLine[];
};

export function monthPeriod(month: string): { periodStart: Date; periodEnd: Date } {
  const [year, mon] = month.split("-").map(Number) as [number, number];
  return {
    periodStart: new Date(Date.UTC(year, mon - 1, 1)),
    periodEnd: new Date(Date.UTC(year, mon, 1)),
  };
}

type Row = {
  network: string;
  asset: string;
  opening: string;
  charge: string;
  fee: string;
  refund: string;
  adjustment: string;
  payout: string;
  paid_calls: bigint;
};

/** Pure: the statement's lines from the per-type sums (charges +, fees −, refunds −, payouts −). */
export function statementLine(
  row: Omit<Row, "paid_calls"> & { paidCalls: number },
  asset: { symbol: string; decimals: number },
): StatementLine {
  const opening = BigInt(row.opening);
  const gross = BigInt(row.charge);
  const fees = -BigInt(row.fee);
  const refunds = -BigInt(row.refund);
  const adjustments = BigInt(row.adjustment);
  const payouts = -BigInt(row.payout);
  const net = gross - fees - refunds + adjustments;
  return {
    network: row.network,
    asset: row.asset,
    symbol: asset.symbol,
    decimals: asset.decimals,
    opening: opening.toString(),
    gross: gross.toString(),
    fees: fees.toString(),
    refunds: refunds.toString(),
    adjustments: adjustments.toString(),
    net: net.toString(),
    payouts: payouts.toString(),
    closing: (opening + net - payouts).toString(),
    paidCalls: row.paidCalls,
  };
}

export async function merchantStatement(
  deps: { db: PrismaClient; networks: NetworkRegistry; now: () => Date },
  opts: { merchantId: string; month?: string },
): Promise<Statement> {
  const month = statementMonth(opts.month, deps.now());
  const merchant = await deps.db.merchant.findUnique({
    where: { id: opts.merchantId },
    select: { id: true, name: true, settlementMode: true },
  });
  if (!merchant) throw new AppError("not_found", "No merchant has this id");
  const { periodStart, periodEnd } = monthPeriod(month);
  const rows = await deps.db.$queryRaw<Row[]>`
    SELECT network, asset,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" < ${periodStart}), 0)::text AS opening,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'CHARGE'), 0)::text AS charge,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'PLATFORM_FEE'), 0)::text AS fee,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'REFUND'), 0)::text AS refund,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'ADJUSTMENT'), 0)::text AS adjustment,
           COALESCE(SUM("amountAtomic") FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'PAYOUT'), 0)::text AS payout,
           COUNT(*) FILTER (WHERE "createdAt" >= ${periodStart} AND type = 'CHARGE') AS paid_calls
      FROM "LedgerEntry"
     WHERE "merchantId" = ${opts.merchantId} AND "createdAt" < ${periodEnd}
     GROUP BY network, asset
     ORDER BY network, asset`;
  const lines = rows.map((row) => {
    const asset = deps.networks
      .get(row.network)
      ?.assets.find((a) => a.address === row.asset.toLowerCase());
    return statementLine(
      { ...row, paidCalls: Number(row.paid_calls) },
      { symbol: asset?.symbol ?? row.asset, decimals: asset?.decimals ?? 0 },
    );
  });
  return {
    merchantId: merchant.id,
    merchantName: merchant.name,
    settlementMode: merchant.settlementMode,
    month,
    periodStart,
    periodEnd,
    lines,
  };
}

const CSV_COLUMNS = [
  "month",
  "network",
  "asset",
  "symbol",
  "decimals",
  "opening",
  "gross",
  "fees",
  "refunds",
  "adjustments",
  "net",
  "payouts",
  "closing",
  "paidCalls",
] as const;

/** The statement as CSV: one row per network and asset, amounts in atomic units. */
export function statementCsv(statement: Statement): string {
  const rows = statement.lines.map((line) =>
    CSV_COLUMNS.map((c) => (c === "month" ? statement.month : String(line[c]))).join(","),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}
