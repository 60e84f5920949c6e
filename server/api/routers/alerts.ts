import { listMerchantAlerts } from "@/server/alerts/alerts";
import { listAlertsInput, updateMerchantThresholdsInput } from "@/server/alerts/schemas";
import { getMerchantThresholds, updateMerchantThresholds } from "@/server/alerts/thresholds";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

export const alertsRouter = router({
  list: merchantProcedure.input(listAlertsInput).query(({ ctx, input }) => listMerchantAlerts(ctx.deps, { merchantId: ctx.merchant.id, status: input.status, limit: input.limit })),
  thresholds: merchantProcedure.query(({ ctx }) => getMerchantThresholds(ctx.deps, { merchantId: ctx.merchant.id })),
  updateThresholds: merchantProcedureWith("merchant.update")
    .input(updateMerchantThresholdsInput)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...thresholds } = input as typeof input & { merchantId: string };
      return updateMerchantThresholds(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, input: thresholds });
    }),
});
