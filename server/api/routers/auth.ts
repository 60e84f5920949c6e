import { signUpAttempt } from "@/server/auth/sign-up";
import { changePasswordInput, signUpInput } from "@/server/users/schemas";
import { changePassword } from "@/server/users/users";

import { authedProcedure, publicProcedure, router } from "../trpc";

export const authRouter = router({
  // the same answer for a new and a taken email (server/auth/sign-up.ts)
  signUp: publicProcedure
    .input(signUpInput)
    .mutation(({ ctx, input }) => signUpAttempt(ctx.deps, input, ctx.ip)),
  me: authedProcedure.query(({ ctx }) => ctx.user),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, { userId: ctx.user.id, ...input })),
});
