import { listEntitlements, listEntitlementsInput } from "@/server/entitlements/entitlements";

import { merchantProcedure, router } from "../trpc";

export const entitlementsRouter = router({
  /** bundles and time passes bought from this merchant, active ones by default */
  list: merchantProcedure
    .input(listEntitlementsInput)
    .query(({ ctx, input }) => listEntitlements(ctx.deps, { merchantId: ctx.merchant.id, payer: input.payer, state: input.state })),
});
