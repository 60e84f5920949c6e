import { z } from "zod";

import {
  acceptInvitation,
  changeMemberRole,
  inviteMember,
  inviteMemberInput,
  listTeam,
  removeMember,
  revokeInvitation,
} from "@/server/team/team";

import { authedProcedure, merchantProcedure, merchantProcedureWith, router } from "../trpc";

const id = z.string().min(1).max(64);

export const teamRouter = router({
  list: merchantProcedure.query(({ ctx }) => listTeam(ctx.deps, { merchantId: ctx.merchant.id })),
  invite: merchantProcedureWith("team.manage")
    .input(inviteMemberInput)
    .mutation(({ ctx, input }) =>
      inviteMember(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: { ...ctx.actor, userId: ctx.user?.id ?? "" },
        input: { email: input.email, role: input.role },
      }),
    ),
  revokeInvitation: merchantProcedureWith("team.manage")
    .input(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) =>
      revokeInvitation(ctx.deps, {
        merchantId: ctx.merchant.id,
        invitationId: input.invitationId,
        actor: ctx.actor,
      }),
    ),
  changeRole: merchantProcedureWith("team.manage")
    .input(z.object({ membershipId: id, role: z.enum(["OWNER", "ADMIN", "DEVELOPER"]) }))
    .mutation(({ ctx, input }) =>
      changeMemberRole(ctx.deps, {
        merchantId: ctx.merchant.id,
        membershipId: input.membershipId,
        role: input.role,
        actor: ctx.actor,
      }),
    ),
  remove: merchantProcedureWith("team.manage")
    .input(z.object({ membershipId: id }))
    .mutation(({ ctx, input }) =>
      removeMember(ctx.deps, {
        merchantId: ctx.merchant.id,
        membershipId: input.membershipId,
        actor: ctx.actor,
      }),
    ),
  accept: authedProcedure
    .input(z.object({ token: z.string().min(20).max(100) }))
    .mutation(({ ctx, input }) =>
      acceptInvitation(ctx.deps, {
        token: input.token,
        user: { id: ctx.user.id, email: ctx.user.email },
        actor: ctx.actor,
      }),
    ),
});
