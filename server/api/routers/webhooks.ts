import { z } from "zod";

import { sendTestWebhook } from "@/server/webhooks/send-test";
import {
  createdWebhookEndpointSchema,
  createWebhookEndpoint,
  createWebhookInput,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  webhookDeliveryDtoSchema,
  webhookEndpointDtoSchema,
} from "@/server/webhooks/webhooks";

import { rest } from "@/server/public-api/meta";
import { merchantProcedure, merchantProcedureWith, router } from "../trpc";

const endpointId = z.object({ id: z.string().min(1).max(64) });

export const webhooksRouter = router({
  list: merchantProcedure
    .meta(rest("GET", "/webhooks/endpoints", "Webhooks", "List the webhook endpoints", "read"))
    .output(z.array(webhookEndpointDtoSchema))
    .query(({ ctx }) => listWebhookEndpoints(ctx.deps, { merchantId: ctx.merchant.id })),
  deliveries: merchantProcedure
    .meta(
      rest(
        "GET",
        "/webhooks/deliveries",
        "Webhooks",
        "The latest webhook deliveries with their attempts",
        "read",
      ),
    )
    .output(z.array(webhookDeliveryDtoSchema))
    .query(({ ctx }) => listWebhookDeliveries(ctx.deps, { merchantId: ctx.merchant.id })),
  create: merchantProcedureWith("webhooks.write")
    .meta(
      rest(
        "POST",
        "/webhooks/endpoints",
        "Webhooks",
        "Add a webhook endpoint; its signing secret is in this response only",
        "write",
      ),
    )
    .input(createWebhookInput)
    .output(createdWebhookEndpointSchema)
    .mutation(({ ctx, input }) => {
      const { merchantId: _merchantId, ...data } = input as typeof input & { merchantId: string };
      return createWebhookEndpoint(ctx.deps, {
        merchantId: ctx.merchant.id,
        actor: ctx.actor,
        input: data,
      });
    }),
  delete: merchantProcedureWith("webhooks.write")
    .meta(
      rest("DELETE", "/webhooks/endpoints/{id}", "Webhooks", "Delete a webhook endpoint", "write"),
    )
    .input(endpointId)
    .output(z.object({ id: z.string(), deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteWebhookEndpoint(ctx.deps, {
        merchantId: ctx.merchant.id,
        endpointId: input.id,
        actor: ctx.actor,
      });
      return { id: input.id, deleted: true as const };
    }),
  sendTest: merchantProcedureWith("webhooks.write")
    .meta(
      rest(
        "POST",
        "/webhooks/endpoints/{id}/test",
        "Webhooks",
        "Send a webhook.test event to the endpoint now; answers only delivered (2xx) or refused",
        "write",
      ),
    )
    .input(endpointId)
    .output(z.object({ result: z.enum(["delivered", "refused"]) }))
    .mutation(({ ctx, input }) =>
      sendTestWebhook(ctx.deps, { merchantId: ctx.merchant.id, endpointId: input.id }),
    ),
});
