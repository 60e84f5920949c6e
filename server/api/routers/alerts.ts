import { acknowledgeMerchantAlert, resolveMerchantAlert } from "@/server/alerts/actions";
import { listMerchantAlerts } from "@/server/alerts/alerts";
import {
  alertIdInput,
  listAlertsInput,
  updateMerchantThresholdsInput,
} from "@/server/alerts/schemas";
import { getMerchantThresholds, updateMerchantThresholds } from "@/server/alerts/thresholds";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

export const alertsRouter = router({
  list: merchantProcedure.input(listAlertsInput).query(({ ctx, input }) =>
    listMerchantAlerts(ctx.deps, {
      merchantId: ctx.merchant.id,
      status: input.status,
      limit: input.limit,
    }),
  ),
  /** owners and admins mark their own alert as seen, or close it */
  acknowledge: merchantProcedureWith("merchant.update")
    .input(alertIdInput)
    .mutation(({ ctx, input }) =>
      acknowledgeMerchantAlert(ctx.deps, {
        actor: ctx.actor,
        merchantId: ctx.merchant.id,
        alertId: input.alertId,
      }),
    ),
  resolve: merchantProcedureWith("merchant.update")
    .input(alertIdInput)
    .mutation(({ ctx, input }) =>
      resolveMerchantAlert(ctx.deps, {
        actor: ctx.actor,
        merchantId: ctx.merchant.id,
        alertId: input.alertId,
      }),
    ),
  thresholds: merchantProcedure.query(({ ctx }) =>
    getMerchantThresholds(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  updateThresholds: merchantProcedureWith("merchant.update")
    .input(updateMerchantThresholdsInput)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...thresholds } = input as typeof input & {
        merchantId: string;
      };
      return updateMerchantThresholds(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: thresholds,
      });
    }),
});
