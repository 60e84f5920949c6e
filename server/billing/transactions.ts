import { z } from "zod";

import type { Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { getNetworkRegistry } from "@/server/networks/config";
import { openPayTo } from "@/server/payments/sealed-payment";
import { describeStoredReceipt, storedReceiptSchema } from "@/server/receipts/stored-receipt";

import { csvCell } from "./csv";

// The console's transactions: the merchant's payments, filtered and paged, one in detail with its
// usage records and ledger entries, and the same filter as CSV.

export const paymentStatusSchema = z.enum([
  "PENDING",
  "VERIFIED",
  "ACCRUED",
  "SETTLED",
  "FAILED",
  "REFUNDED",
]);

export const transactionFiltersSchema = z.object({
  status: paymentStatusSchema.optional(),
  network: z.string().max(64).optional(),
  /** a substring of the paid resource's path */
  path: z.string().trim().max(512).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});
export type TransactionFilters = z.infer<typeof transactionFiltersSchema>;

export const listTransactionsInput = transactionFiltersSchema.extend({
  cursor: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const transactionDtoSchema = z.object({
  id: z.string(),
  merchantId: z.string(),
  createdAt: z.date(),
  status: paymentStatusSchema,
  payer: z.string(),
  payTo: z.string(),
  /** an integer count of the asset's smallest unit, as a string; `decimals` says where the point goes */
  amountAtomic: z.string(),
  asset: z.string(),
  assetSymbol: z.string(),
  decimals: z.number().int(),
  network: z.string(),
  networkName: z.string(),
  txHash: z.string().nullable(),
  /** batch-settlement: the batch that claimed and paid this call (its settle transaction is txHash) */
  batchRunId: z.string().nullable(),
  explorerUrl: z.string().nullable(),
  resource: z.string(),
  errorReason: z.string().nullable(),
  facilitator: z.string(),
  x402Version: z.number().int(),
  settledAt: z.date().nullable(),
});
export type TransactionDto = z.infer<typeof transactionDtoSchema>;

export const transactionPageSchema = z.object({
  items: z.array(transactionDtoSchema),
  nextCursor: z.string().nullable(),
});

export const transactionDetailSchema = transactionDtoSchema.extend({
  validAfter: z.date(),
  validBefore: z.date(),
  errorMessage: z.string().nullable(),
  authorizationNonce: z.string(),
  blockNumber: z.string().nullable(),
  usage: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      path: z.string(),
      method: z.string(),
      httpStatus: z.number().int(),
      latencyMs: z.number().int(),
      createdAt: z.date(),
    }),
  ),
  ledger: z.array(
    z.object({ id: z.string(), type: z.string(), amountAtomic: z.string(), createdAt: z.date() }),
  ),
  /** the `offer-receipt` receipt sent with the paid response, and whether it verifies */
  receipt: storedReceiptSchema.nullable(),
});

// `merchantId` undefined only for the platform admin's view across merchants (server/admin/payments.ts)
function where(
  merchantId: string | undefined,
  f: TransactionFilters & { payer?: string },
): Prisma.PaymentWhereInput {
  return {
    ...(merchantId ? { merchantId } : {}),
    ...(f.payer ? { payer: { equals: f.payer, mode: "insensitive" } } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.network ? { network: f.network } : {}),
    ...(f.path ? { resource: { contains: f.path } } : {}),
    ...(f.from || f.to
      ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } }
      : {}),
  };
}

const select = {
  id: true,
  merchantId: true,
  createdAt: true,
  status: true,
  payer: true,
  payToCiphertext: true,
  payToKeyId: true,
  amountAtomic: true,
  asset: true,
  network: true,
  txHash: true,
  resource: true,
  errorReason: true,
  facilitator: true,
  x402Version: true,
  settledAt: true,
  batchRunId: true,
  batchRun: { select: { settleTxHash: true } },
} as const;

type Row = Prisma.PaymentGetPayload<{ select: typeof select }>;

function toDto(deps: Pick<Deps, "env">, row: Row): TransactionDto {
  const registry = getNetworkRegistry(deps.env);
  const network = registry.get(row.network);
  const asset = registry.asset(row.network, row.asset);
  const { payToCiphertext: _sealed, payToKeyId: _keyId, batchRun, ...rest } = row;
  // a batch-settlement call is paid by its batch's settle transaction (shared by every call in it)
  const txHash = row.txHash ?? batchRun?.settleTxHash ?? null;
  return {
    ...rest,
    txHash,
    payTo: openPayTo(row, deps.env),
    amountAtomic: row.amountAtomic.toFixed(),
    assetSymbol: asset?.symbol ?? "?",
    decimals: asset?.decimals ?? 6,
    networkName: network?.name ?? row.network,
    explorerUrl:
      txHash && network?.explorerTxUrl ? network.explorerTxUrl.replace("{hash}", txHash) : null,
  };
}

export async function listTransactions(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string } & z.infer<typeof listTransactionsInput>,
): Promise<{ items: TransactionDto[]; nextCursor: string | null }> {
  return listPayments(deps, opts);
}

/**
 * Payments newest first, cursor-paginated; across every merchant when `merchantId` is undefined
 * (platform admins only: callers outside server/admin always pass the member's merchant).
 */
export async function listPayments(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string | undefined; payer?: string } & z.infer<typeof listTransactionsInput>,
): Promise<{ items: TransactionDto[]; nextCursor: string | null }> {
  const rows = await deps.db.payment.findMany({
    where: where(opts.merchantId, opts),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    select,
  });
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map((r) => toDto(deps, r)),
    nextCursor: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function getTransaction(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; paymentId: string },
) {
  return getPayment(deps, opts);
}

/** One payment in detail; of any merchant when `merchantId` is undefined (platform admins only). */
export async function getPayment(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string | undefined; paymentId: string },
) {
  const row = await deps.db.payment.findFirst({
    where: { id: opts.paymentId, ...(opts.merchantId ? { merchantId: opts.merchantId } : {}) },
    select: {
      ...select,
      validAfter: true,
      validBefore: true,
      errorMessage: true,
      authorizationNonce: true,
      blockNumber: true,
      receipt: true,
      usageRecords: {
        select: {
          id: true,
          status: true,
          path: true,
          method: true,
          httpStatus: true,
          latencyMs: true,
          createdAt: true,
        },
        orderBy: { createdAt: "asc" },
      },
      ledgerEntries: {
        select: { id: true, type: true, amountAtomic: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!row) throw new AppError("not_found", "No such transaction");
  const {
    usageRecords,
    ledgerEntries,
    validAfter,
    validBefore,
    errorMessage,
    authorizationNonce,
    blockNumber,
    receipt,
    ...base
  } = row;
  return {
    ...toDto(deps, base),
    validAfter,
    validBefore,
    errorMessage,
    authorizationNonce,
    blockNumber: blockNumber === null ? null : blockNumber.toString(),
    usage: usageRecords,
    ledger: ledgerEntries.map((e) => ({ ...e, amountAtomic: e.amountAtomic.toFixed() })),
    receipt: receipt === null ? null : await describeStoredReceipt(deps, receipt),
  };
}

const CSV_COLUMNS = [
  "id",
  "createdAt",
  "status",
  "payer",
  "amountAtomic",
  "assetSymbol",
  "network",
  "txHash",
  "resource",
  "errorReason",
] as const;
const MAX_CSV_ROWS = 50_000;

/** The filtered transactions as CSV (newest first), with atomic amounts as exact integers. */
export async function exportTransactionsCsv(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string } & TransactionFilters,
): Promise<string> {
  const rows = await deps.db.payment.findMany({
    where: where(opts.merchantId, opts),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_CSV_ROWS,
    select,
  });
  const lines = [CSV_COLUMNS.join(",")];
  for (const row of rows) {
    const dto = toDto(deps, row);
    lines.push(CSV_COLUMNS.map((c) => csvCell(dto[c])).join(","));
  }
  return `${lines.join("\n")}\n`;
}
