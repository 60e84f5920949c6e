import { z } from "zod";

import { adminListMerchants, adminListMerchantsInput, adminMerchantRowSchema } from "@/server/admin/merchants";

import { platformAdminProcedure, router } from "../../trpc";

import { adminBillingRouter } from "./billing";

export const adminRouter = router({
  merchants: router({
    list: platformAdminProcedure
      .input(adminListMerchantsInput)
      .output(z.object({ items: z.array(adminMerchantRowSchema), nextCursor: z.string().nullable() }))
      .query(({ ctx, input }) => adminListMerchants(ctx.deps, input)),
  }),
  billing: adminBillingRouter,
});
