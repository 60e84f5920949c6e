import { z } from "zod";

import { billingDeps } from "@/server/billing/deps";
import { createRefund, createRefundInput, listRefunds } from "@/server/billing/refunds";
import {
  getSettlementRun,
  listSettlementRuns,
  processSettlementRun,
  startSettlementRun,
  startSettlementRunInput,
} from "@/server/billing/settlement-runs";
import { merchantStatement, statementCsv, statementInput } from "@/server/billing/statements";
import { merchantIdSchema } from "@/server/merchants/schemas";

import { platformAdminProcedure, router } from "../../trpc";

// The admin's billing: settlement runs (started here, paid out in the background, polled for
// progress), refunds of any merchant's payments, and any merchant's statements.

const merchantMonth = statementInput.extend({ merchantId: merchantIdSchema });

export const adminBillingRouter = router({
  settlementRuns: router({
    list: platformAdminProcedure.query(({ ctx }) => listSettlementRuns(ctx.deps)),
    get: platformAdminProcedure
      .input(z.object({ runId: z.string().min(1).max(64) }))
      .query(({ ctx, input }) => getSettlementRun(ctx.deps, input)),
    /** opens (or resumes) the period's run and pays it out in the background; poll `get` for progress */
    start: platformAdminProcedure
      .input(startSettlementRunInput)
      .mutation(async ({ ctx, input }) => {
        const deps = billingDeps(ctx.deps);
        const started = await startSettlementRun(deps, { ...input, actor: ctx.actor });
        void processSettlementRun(deps, { runId: started.runId }).catch((err: unknown) =>
          ctx.deps.log.error({ err, runId: started.runId }, "settlement run failed"),
        );
        return started;
      }),
  }),
  refunds: router({
    list: platformAdminProcedure.query(({ ctx }) => listRefunds(ctx.deps)),
    create: platformAdminProcedure
      .input(createRefundInput)
      .mutation(({ ctx, input }) =>
        createRefund(billingDeps(ctx.deps), { actor: ctx.actor, input }),
      ),
  }),
  statements: router({
    get: platformAdminProcedure
      .input(merchantMonth)
      .query(({ ctx, input }) => merchantStatement(billingDeps(ctx.deps), input)),
    csv: platformAdminProcedure
      .input(merchantMonth)
      .query(async ({ ctx, input }) =>
        statementCsv(await merchantStatement(billingDeps(ctx.deps), input)),
      ),
  }),
});
