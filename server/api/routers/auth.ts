import { changePasswordInput, signUpInput } from "@/server/users/schemas";
import { changePassword, signUpWithPassword } from "@/server/users/users";

import { authedProcedure, publicProcedure, router } from "../trpc";

export const authRouter = router({
  signUp: publicProcedure
    .input(signUpInput)
    .mutation(async ({ ctx, input }) => {
      const user = await signUpWithPassword(ctx.deps, input);
      return { id: user.id, email: user.email };
    }),
  me: authedProcedure.query(({ ctx }) => ctx.user),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, { userId: ctx.user.id, ...input })),
});
