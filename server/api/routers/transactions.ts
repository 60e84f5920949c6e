import { z } from "zod";

import {
  exportTransactionsCsv,
  getTransaction,
  listTransactions,
  listTransactionsInput,
  transactionDetailSchema,
  transactionFiltersSchema,
  transactionPageSchema,
} from "@/server/billing/transactions";

import { rest } from "@/server/public-api/meta";
import { merchantProcedure, router } from "../trpc";

export const transactionsRouter = router({
  list: merchantProcedure
    .meta(
      rest(
        "GET",
        "/payments",
        "Payments",
        "List payments, newest first, filtered, with cursor pagination",
        "read",
      ),
    )
    .input(listTransactionsInput)
    .output(transactionPageSchema)
    .query(({ ctx, input }) =>
      listTransactions(ctx.deps, { ...input, merchantId: ctx.merchant.id }),
    ),
  get: merchantProcedure
    .meta(
      rest(
        "GET",
        "/payments/{id}",
        "Payments",
        "One payment with its usage records and ledger entries",
        "read",
      ),
    )
    .input(z.object({ id: z.string().min(1).max(64) }))
    .output(transactionDetailSchema)
    .query(({ ctx, input }) =>
      getTransaction(ctx.deps, { merchantId: ctx.merchant.id, paymentId: input.id }),
    ),
  exportCsv: merchantProcedure
    .input(transactionFiltersSchema)
    .mutation(({ ctx, input }) =>
      exportTransactionsCsv(ctx.deps, { ...input, merchantId: ctx.merchant.id }),
    ),
});
