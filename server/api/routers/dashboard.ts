import { z } from "zod";

import { overviewPeriodSchema } from "@/server/admin/overview";
import { getDashboard } from "@/server/billing/dashboard";
import { getMerchantRevenue } from "@/server/billing/revenue";

import { merchantProcedure, router } from "../trpc";

export const dashboardRouter = router({
  get: merchantProcedure.query(({ ctx }) =>
    getDashboard(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  /** revenue by day, week or month with the platform's share and ARPU */
  revenue: merchantProcedure
    .input(z.object({ period: overviewPeriodSchema.default("week") }))
    .query(({ ctx, input }) =>
      getMerchantRevenue(ctx.deps, { merchantId: ctx.merchant.id, period: input.period }),
    ),
});
