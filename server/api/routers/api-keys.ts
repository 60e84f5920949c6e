import { z } from "zod";

import {
  apiKeyDtoSchema,
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  revokeApiKey,
} from "@/server/api-keys/api-keys";

import { rest } from "@/server/public-api/meta";
import { keyGrantorOf, merchantProcedure, merchantProcedureWith, router } from "../trpc";

export const apiKeysRouter = router({
  list: merchantProcedure
    .meta(
      rest("GET", "/api-keys", "API keys", "List the API keys (never the keys themselves)", "read"),
    )
    .output(z.array(apiKeyDtoSchema))
    .query(({ ctx }) => listApiKeys(ctx.deps, { merchantId: ctx.merchant.id })),
  create: merchantProcedureWith("apiKeys.write")
    .meta(
      rest(
        "POST",
        "/api-keys",
        "API keys",
        "Create an API key (scopes within the caller's own); the key is in this response only",
        "keys:manage",
      ),
    )
    .input(createApiKeyInput)
    .output(z.object({ key: z.string(), apiKey: apiKeyDtoSchema }))
    .mutation(({ ctx, input }) =>
      createApiKey(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        grantor: keyGrantorOf(ctx.access),
        name: input.name,
        scopes: input.scopes,
      }),
    ),
  revoke: merchantProcedureWith("apiKeys.write")
    .meta(
      rest(
        "DELETE",
        "/api-keys/{id}",
        "API keys",
        "Revoke an API key; refused from the next call on, on every instance",
        "keys:manage",
      ),
    )
    .input(z.object({ id: z.string().min(1).max(64) }))
    .output(z.object({ id: z.string(), revoked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.deps, {
        merchantId: ctx.merchant.id,
        keyId: input.id,
        actor: ctx.actor,
      });
      return { id: input.id, revoked: true as const };
    }),
});
