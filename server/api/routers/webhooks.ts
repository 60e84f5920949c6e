import { z } from "zod";

import { createId } from "@/server/db/ids";
import { deliverDueWebhooks } from "@/server/webhooks/deliver";
import { createWebhookEndpoint, createWebhookInput, deleteWebhookEndpoint, enqueueWebhookEvent, listWebhookDeliveries, listWebhookEndpoints } from "@/server/webhooks/webhooks";

import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const endpointId = z.object({ id: z.string().min(1).max(64) });

export const webhooksRouter = router({
  list: merchantProcedure.query(({ ctx }) => listWebhookEndpoints(ctx.deps, { merchantId: ctx.merchant.id })),
  deliveries: merchantProcedure.query(({ ctx }) => listWebhookDeliveries(ctx.deps, { merchantId: ctx.merchant.id })),
  create: merchantProcedureWith("webhooks.write")
    .input(createWebhookInput)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...data } = input as typeof input & { merchantId: string };
      return createWebhookEndpoint(ctx.deps, { merchantId: ctx.merchant.id, actor: ctx.actor, input: data });
    }),
  delete: merchantProcedureWith("webhooks.write")
    .input(endpointId)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.deps, { merchantId: ctx.merchant.id, endpointId: input.id, actor: ctx.actor })),
  /** Queues a `webhook.test` event for one endpoint and sends what is due for this merchant now. */
  sendTest: merchantProcedureWith("webhooks.write")
    .input(endpointId)
    .mutation(async ({ ctx, input }) => {
      const queued = await enqueueWebhookEvent(ctx.deps.db, {
        merchantId: ctx.merchant.id,
        endpointId: input.id,
        type: "webhook.test",
        eventId: createId("request"),
        data: { message: "A test event from x402 Gateway" },
        at: ctx.deps.now(),
      });
      const run = await deliverDueWebhooks(ctx.deps, { merchantId: ctx.merchant.id });
      return { queued, ...run };
    }),
});
