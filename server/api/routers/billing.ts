import { billingDeps } from "@/server/billing/deps";
import { createRefund, createRefundInput, listRefunds, submitDirectRefundTx, submitRefundTxInput } from "@/server/billing/refunds";
import { merchantStatement, statementCsv, statementInput } from "@/server/billing/statements";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

// A merchant's own statements and refunds. Refunding is the OWNER's (refunds.create).

export const billingRouter = router({
  statement: merchantProcedure.input(statementInput).query(({ ctx, input }) => merchantStatement(billingDeps(ctx.deps), { merchantId: ctx.merchant.id, month: input.month })),
  statementCsv: merchantProcedure
    .input(statementInput)
    .query(async ({ ctx, input }) => statementCsv(await merchantStatement(billingDeps(ctx.deps), { merchantId: ctx.merchant.id, month: input.month }))),
  refunds: merchantProcedure.query(({ ctx }) => listRefunds(ctx.deps, { merchantId: ctx.merchant.id })),
  createRefund: merchantProcedureWith("refunds.create")
    .input(createRefundInput)
    .mutation(({ ctx, input }) => createRefund(billingDeps(ctx.deps), { merchantId: ctx.merchant.id, actor: ctx.actor, input: { paymentId: input.paymentId, amountAtomic: input.amountAtomic, reason: input.reason } })),
  submitRefundTx: merchantProcedureWith("refunds.create")
    .input(submitRefundTxInput)
    .mutation(({ ctx, input }) => submitDirectRefundTx(billingDeps(ctx.deps), { merchantId: ctx.merchant.id, actor: ctx.actor, input: { refundId: input.refundId, txHash: input.txHash } })),
});
