import {
  getSigningSecretStatus,
  revealSigningSecret,
  rotateSigningSecret,
} from "@/server/merchants/signing-secrets";
import {
  getUpstreamSettings,
  runTestCall,
  testCallInput,
  updateUpstreamSettings,
  upstreamSettingsSchema,
} from "@/server/merchants/upstream";
import {
  deleteUpstreamCredential,
  listUpstreamCredentials,
  setUpstreamCredential,
} from "@/server/merchants/upstream-credentials";
import { getUpstreamHealth } from "@/server/merchants/upstream-health";
import {
  rotateSigningSecretInput,
  signingSecretStatusSchema,
  upstreamCredentialDtoSchema,
  upstreamCredentialInput,
  upstreamHealthInput,
  upstreamHealthSchema,
} from "@/server/merchants/schemas";
import { z } from "zod";

import {
  testCallResultSchema,
  trafficSettingsDtoSchema,
  trafficSettingsSchema,
} from "@/server/merchants/schemas";
import { getTrafficSettings, updateTrafficSettings } from "@/server/merchants/traffic";
import { rest } from "@/server/public-api/meta";
import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

/** The tRPC input carries merchantId for the membership check; the domain takes it from ctx. */
function withoutMerchantId<T extends object>(input: T): Omit<T, "merchantId"> {
  const { merchantId: _merchantId, ...rest } = input as T & { merchantId: string };
  return rest;
}

export const upstreamRouter = router({
  get: merchantProcedure
    .meta(
      rest(
        "GET",
        "/routing",
        "Merchant",
        "Routing: the upstream, its timeout and charging on upstream errors",
        "read",
      ),
    )
    .output(upstreamSettingsSchema)
    .query(({ ctx }) => getUpstreamSettings(ctx.deps, { merchantId: ctx.merchant.id })),
  update: merchantProcedureWith("upstream.write")
    .meta(rest("PUT", "/routing", "Merchant", "Change the routing", "write"))
    .input(upstreamSettingsSchema)
    .output(upstreamSettingsSchema)
    .mutation(({ ctx, input }) =>
      updateUpstreamSettings(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: withoutMerchantId(input),
      }),
    ),
  traffic: merchantProcedure
    .meta(
      rest(
        "GET",
        "/routing/traffic",
        "Merchant",
        "Traffic: unpriced methods on priced paths, and the gateway's rate limits",
        "read",
      ),
    )
    .output(trafficSettingsDtoSchema)
    .query(({ ctx }) => getTrafficSettings(ctx.deps, { merchantId: ctx.merchant.id })),
  updateTraffic: merchantProcedureWith("upstream.write")
    .meta(
      rest(
        "PUT",
        "/routing/traffic",
        "Merchant",
        "Change the traffic settings (each rate limit at most the platform's cap)",
        "write",
      ),
    )
    .input(trafficSettingsSchema)
    .output(trafficSettingsDtoSchema)
    .mutation(({ ctx, input }) =>
      updateTrafficSettings(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: withoutMerchantId(input),
      }),
    ),
  testCall: merchantProcedureWith("testCall.run")
    .meta(
      rest(
        "POST",
        "/routing/test-call",
        "Merchant",
        "Send one request through the gateway as a buyer would",
        "write",
      ),
    )
    .input(testCallInput)
    .output(testCallResultSchema)
    .mutation(({ ctx, input }) =>
      runTestCall(
        { env: ctx.deps.env, gateway: ctx.deps.gateway },
        { merchantId: ctx.merchant.id, input: withoutMerchantId(input) },
      ),
    ),
  health: merchantProcedure
    .input(upstreamHealthInput)
    .output(upstreamHealthSchema)
    .query(({ ctx, input }) =>
      getUpstreamHealth(ctx.deps, { merchantId: ctx.merchant.id, windowHours: input.windowHours }),
    ),

  signingSecret: merchantProcedure
    .output(signingSecretStatusSchema)
    .query(({ ctx }) => getSigningSecretStatus(ctx.deps, { merchantId: ctx.merchant.id })),
  revealSigningSecret: merchantProcedureWith("upstream.write")
    .output(z.object({ secret: z.string(), generation: z.number() }))
    .mutation(({ ctx }) =>
      revealSigningSecret(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor }),
    ),
  rotateSigningSecret: merchantProcedureWith("upstream.write")
    .input(rotateSigningSecretInput)
    .output(z.object({ secret: z.string(), generation: z.number(), previousExpiresAt: z.date() }))
    .mutation(({ ctx, input }) =>
      rotateSigningSecret(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        overlapSeconds: input.overlapSeconds,
      }),
    ),

  credentials: merchantProcedure
    .output(z.array(upstreamCredentialDtoSchema))
    .query(({ ctx }) => listUpstreamCredentials(ctx.deps, { merchantId: ctx.merchant.id })),
  setCredential: merchantProcedureWith("upstream.write")
    .input(upstreamCredentialInput)
    .output(upstreamCredentialDtoSchema)
    .mutation(({ ctx, input }) =>
      setUpstreamCredential(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: withoutMerchantId(input),
      }),
    ),
  deleteCredential: merchantProcedureWith("upstream.write")
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      deleteUpstreamCredential(ctx.deps, {
        merchantId: ctx.merchant.id,
        credentialId: input.id,
        actor: ctx.actor,
      }),
    ),
});
