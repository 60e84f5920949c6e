import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { getGatewayDeps } from "@/server/gateway/runtime";
import { getUpstreamSettings, runTestCall, testCallInput, updateUpstreamSettings, upstreamSettingsSchema } from "@/server/merchants/upstream";

import { testCallResultSchema } from "@/server/merchants/schemas";
import { rest } from "@/server/public-api/meta";
import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const processGateway = (req: Request, merchantId: string) => handleGatewayRequest(getGatewayDeps(), req, { merchantId });

export const upstreamRouter = router({
  get: merchantProcedure
    .meta(rest("GET", "/routing", "Merchant", "Routing: the upstream, its timeout and charging on upstream errors", "read"))
    .output(upstreamSettingsSchema).query(({ ctx }) => getUpstreamSettings(ctx.deps, { merchantId: ctx.merchant.id })),
  update: merchantProcedureWith("upstream.write")
    .meta(rest("PUT", "/routing", "Merchant", "Change the routing", "write"))
    .input(upstreamSettingsSchema)
    .output(upstreamSettingsSchema)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...settings } = input as typeof input & { merchantId: string };
      return updateUpstreamSettings(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, input: settings });
    }),
  testCall: merchantProcedureWith("testCall.run")
    .meta(rest("POST", "/routing/test-call", "Merchant", "Send one request through the gateway as a buyer would", "write"))
    .input(testCallInput)
    .output(testCallResultSchema)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...call } = input as typeof input & { merchantId: string };
      return runTestCall({ env: ctx.deps.env, gateway: ctx.deps.gateway ?? processGateway }, { merchantId: ctx.merchant.id, input: call });
    }),
});
