import { billingDeps } from "@/server/billing/deps";
import {
  createRefund,
  createRefundInput,
  listRefunds,
  submitDirectRefundTx,
  submitRefundTxInput,
} from "@/server/billing/refunds";
import {
  merchantStatement,
  statementCsv,
  statementInput,
  statementSchema,
} from "@/server/billing/statements";
import { rest } from "@/server/public-api/meta";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

// A merchant's own statements and refunds. Refunding is the OWNER's (refunds.create).

export const billingRouter = router({
  statement: merchantProcedure
    .meta(
      rest(
        "GET",
        "/statements",
        "Billing",
        "The merchant's monthly statement (gross, fees, refunds, adjustments, net, payouts, balances) per asset, in atomic units",
        "read",
      ),
    )
    .input(statementInput)
    .output(statementSchema)
    .query(({ ctx, input }) =>
      merchantStatement(billingDeps(ctx.deps), { merchantId: ctx.merchant.id, month: input.month }),
    ),
  statementCsv: merchantProcedure.input(statementInput).query(async ({ ctx, input }) =>
    statementCsv(
      await merchantStatement(billingDeps(ctx.deps), {
        merchantId: ctx.merchant.id,
        month: input.month,
      }),
    ),
  ),
  refunds: merchantProcedure.query(({ ctx }) =>
    listRefunds(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  createRefund: merchantProcedureWith("refunds.create")
    .input(createRefundInput)
    .mutation(({ ctx, input }) =>
      createRefund(billingDeps(ctx.deps), {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: {
          paymentId: input.paymentId,
          amountAtomic: input.amountAtomic,
          reason: input.reason,
        },
      }),
    ),
  submitRefundTx: merchantProcedureWith("refunds.create")
    .input(submitRefundTxInput)
    .mutation(({ ctx, input }) =>
      submitDirectRefundTx(billingDeps(ctx.deps), {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: { refundId: input.refundId, txHash: input.txHash },
      }),
    ),
});
