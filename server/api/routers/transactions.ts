import { z } from "zod";

import { exportTransactionsCsv, getTransaction, listTransactions, listTransactionsInput, transactionFiltersSchema } from "@/server/billing/transactions";

import { merchantProcedure, router } from "../trpc";

export const transactionsRouter = router({
  list: merchantProcedure.input(listTransactionsInput).query(({ ctx, input }) => listTransactions(ctx.deps, { ...input, merchantId: ctx.merchant.id })),
  get: merchantProcedure.input(z.object({ id: z.string().min(1).max(64) })).query(({ ctx, input }) => getTransaction(ctx.deps, { merchantId: ctx.merchant.id, paymentId: input.id })),
  exportCsv: merchantProcedure.input(transactionFiltersSchema).mutation(({ ctx, input }) => exportTransactionsCsv(ctx.deps, { ...input, merchantId: ctx.merchant.id })),
});
