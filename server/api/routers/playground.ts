import { getPlaygroundSetup } from "@/server/playground/endpoints";

import { publicProcedure, router } from "../trpc";

export const playgroundRouter = router({
  /** Public: the priced endpoints of active merchants, the chains, and the local demo wallet if any. */
  setup: publicProcedure.query(({ ctx }) => getPlaygroundSetup(ctx.deps)),
});
