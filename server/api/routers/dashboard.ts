import { getDashboard } from "@/server/billing/dashboard";

import { merchantProcedure, router } from "../trpc";

export const dashboardRouter = router({
  get: merchantProcedure.query(({ ctx }) => getDashboard(ctx.deps, { merchantId: ctx.merchant.id })),
});
