import { z } from "zod";

import { adminListMerchants, adminListMerchantsInput, adminMerchantRowSchema } from "@/server/admin/merchants";
import { listAllAlerts } from "@/server/alerts/alerts";
import { listAlertsInput, updatePlatformThresholdsInput } from "@/server/alerts/schemas";
import { getPlatformThresholds, updatePlatformThresholds } from "@/server/alerts/thresholds";
import { getGatewayDeps } from "@/server/gateway/runtime";
import { operationsView } from "@/server/observability/operations";

import { platformAdminProcedure, router } from "../../trpc";

export const adminRouter = router({
  merchants: router({
    list: platformAdminProcedure
      .input(adminListMerchantsInput)
      .output(z.object({ items: z.array(adminMerchantRowSchema), nextCursor: z.string().nullable() }))
      .query(({ ctx, input }) => adminListMerchants(ctx.deps, input)),
  }),
  alerts: router({
    list: platformAdminProcedure.input(listAlertsInput).query(({ ctx, input }) => listAllAlerts(ctx.deps, input)),
    thresholds: platformAdminProcedure.query(({ ctx }) => getPlatformThresholds(ctx.deps)),
    updateThresholds: platformAdminProcedure.input(updatePlatformThresholdsInput).mutation(({ ctx, input }) => updatePlatformThresholds(ctx.deps, { actor: ctx.actor, input })),
  }),
  /** the live operations view, from this instance's metrics registry */
  operations: platformAdminProcedure.query(({ ctx }) => operationsView(ctx.deps.metrics ?? getGatewayDeps().metrics, ctx.deps.now())),
});
