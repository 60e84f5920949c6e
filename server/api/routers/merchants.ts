import {
  batchSettingsInput,
  getBatchSettings,
  updateBatchSettings,
} from "@/server/payments/batch-settings";
import {
  createMerchant,
  getMerchant,
  listMerchantsForUser,
  updateMerchantSettings,
} from "@/server/merchants/merchants";
import {
  createMerchantInput,
  merchantDtoSchema,
  merchantSettingsInput,
  myMerchantSchema,
} from "@/server/merchants/schemas";
import { z } from "zod";

import {
  deferredSettingsInput,
  getDeferredSettings,
  updateDeferredSettings,
} from "@/server/payments/deferred-settings";

import { rest } from "@/server/public-api/meta";
import {
  authedProcedure,
  merchantProcedure,
  merchantProcedureWith,
  payoutChangeAuthority,
  router,
} from "../trpc";

export const merchantsRouter = router({
  listMine: authedProcedure
    .output(z.array(myMerchantSchema))
    .query(({ ctx }) => listMerchantsForUser(ctx.deps, { userId: ctx.user.id })),
  create: authedProcedure
    .input(createMerchantInput)
    .output(merchantDtoSchema)
    .mutation(({ ctx, input }) =>
      createMerchant(ctx.deps, { userId: ctx.user.id, input, actor: ctx.actor }),
    ),
  get: merchantProcedure
    .meta(
      rest(
        "GET",
        "/",
        "Merchant",
        "The merchant's profile (role is API_KEY when called with a key)",
        "read",
      ),
    )
    .output(merchantDtoSchema.extend({ role: z.enum(["OWNER", "ADMIN", "DEVELOPER", "API_KEY"]) }))
    .query(async ({ ctx }) => ({
      ...(await getMerchant(ctx.deps, { merchantId: ctx.merchant.id })),
      role: ctx.access.kind === "member" ? ctx.access.role : "API_KEY",
    })),
  /** name: owners and admins (merchant.update); a new settlement wallet: a freshly signed-in owner only */
  updateSettings: merchantProcedureWith("merchant.update")
    .meta(
      rest(
        "PATCH",
        "/",
        "Merchant",
        "Change the name or the discovery listing (the settlement wallet changes only in the console, by an owner)",
        "write",
      ),
    )
    .input(merchantSettingsInput)
    .output(merchantDtoSchema)
    .mutation(({ ctx, input }) =>
      updateMerchantSettings(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        payoutChange: payoutChangeAuthority(ctx),
        input: {
          name: input.name,
          payoutAddress: input.payoutAddress,
          discoverable: input.discoverable,
        },
      }),
    ),
  /** batch-settlement: when accrued calls are claimed, and what waits for the next batch */
  batchSettings: merchantProcedure.query(({ ctx }) =>
    getBatchSettings(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  updateBatchSettings: merchantProcedureWith("settlement.update")
    .input(batchSettingsInput)
    .mutation(({ ctx, input }) =>
      updateBatchSettings(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: { maxCalls: input.maxCalls, maxAgeSeconds: input.maxAgeSeconds },
      }),
    ),
  /** DEFERRED settlement: the merchant's switch, per-payer cap, queue and flagged payers */
  deferredSettings: merchantProcedure.query(({ ctx }) =>
    getDeferredSettings(ctx.deps, { merchantId: ctx.merchant.id }),
  ),
  updateDeferredSettings: merchantProcedureWith("settlement.update")
    .input(deferredSettingsInput)
    .mutation(({ ctx, input }) =>
      updateDeferredSettings(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: { enabled: input.enabled, maxUnsettledPerPayer: input.maxUnsettledPerPayer },
      }),
    ),
});
