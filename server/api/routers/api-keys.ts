import { z } from "zod";

import { apiKeyDtoSchema, createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "@/server/api-keys/api-keys";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

export const apiKeysRouter = router({
  list: merchantProcedure.output(z.array(apiKeyDtoSchema)).query(({ ctx }) => listApiKeys(ctx.deps, { merchantId: ctx.merchant.id })),
  create: merchantProcedureWith("apiKeys.write")
    .input(createApiKeyInput)
    .output(z.object({ key: z.string(), apiKey: apiKeyDtoSchema }))
    .mutation(({ ctx, input }) => createApiKey(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, name: input.name })),
  revoke: merchantProcedureWith("apiKeys.write")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, { merchantId: ctx.merchant.id, keyId: input.id, actor: ctx.actor })),
});
