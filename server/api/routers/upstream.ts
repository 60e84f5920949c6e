import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { getGatewayDeps } from "@/server/gateway/runtime";
import { getUpstreamSettings, runTestCall, testCallInput, updateUpstreamSettings, upstreamSettingsSchema } from "@/server/merchants/upstream";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const processGateway = (req: Request, merchantId: string) => handleGatewayRequest(getGatewayDeps(), req, { merchantId });

export const upstreamRouter = router({
  get: merchantProcedure.output(upstreamSettingsSchema).query(({ ctx }) => getUpstreamSettings(ctx.deps, { merchantId: ctx.merchant.id })),
  update: merchantProcedureWith("upstream.write")
    .input(upstreamSettingsSchema)
    .output(upstreamSettingsSchema)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...settings } = input as typeof input & { merchantId: string };
      return updateUpstreamSettings(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, input: settings });
    }),
  testCall: merchantProcedureWith("testCall.run")
    .input(testCallInput)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...call } = input as typeof input & { merchantId: string };
      return runTestCall({ env: ctx.deps.env, gateway: ctx.deps.gateway ?? processGateway }, { merchantId: ctx.merchant.id, input: call });
    }),
});
