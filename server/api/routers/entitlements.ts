import {
  entitlementDtoSchema,
  listEntitlements,
  listEntitlementsInput,
} from "@/server/entitlements/entitlements";

import { z } from "zod";

import { rest } from "@/server/public-api/meta";
import { merchantProcedure, router } from "../trpc";

export const entitlementsRouter = router({
  /** bundles and time passes bought from this merchant, active ones by default */
  list: merchantProcedure
    .meta(
      rest(
        "GET",
        "/entitlements",
        "Entitlements",
        "Bundles and time passes bought from this merchant",
        "read",
      ),
    )
    .input(listEntitlementsInput)
    .output(z.array(entitlementDtoSchema))
    .query(({ ctx, input }) =>
      listEntitlements(ctx.deps, {
        merchantId: ctx.merchant.id,
        payer: input.payer,
        state: input.state,
      }),
    ),
});
