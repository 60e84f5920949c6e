import {
  callFiltersSchema,
  callPageSchema,
  exportCallsCsv,
  listCalls,
  listCallsInput,
} from "@/server/billing/calls";
import { rest } from "@/server/public-api/meta";

import { merchantProcedure, router } from "../trpc";

export const callsRouter = router({
  list: merchantProcedure
    .meta(
      rest(
        "GET",
        "/calls",
        "Calls",
        "List every gateway call (the access log), newest first, filtered, with keyset cursor pagination",
        "read",
      ),
    )
    .input(listCallsInput)
    .output(callPageSchema)
    .query(({ ctx, input }) => listCalls(ctx.deps, { ...input, merchantId: ctx.merchant.id })),
  // a mutation like transactions.exportCsv: the console downloads it on click, nothing caches it
  exportCsv: merchantProcedure
    .input(callFiltersSchema)
    .mutation(({ ctx, input }) =>
      exportCallsCsv(ctx.deps, { ...input, merchantId: ctx.merchant.id }),
    ),
});
