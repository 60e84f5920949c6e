import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";

import { deliverDueWebhooks } from "./deliver";
import { enqueueWebhookEvent } from "./webhooks";

/**
 * Queues a `webhook.test` event for one of the merchant's endpoints and sends that one delivery now.
 * Another merchant's (or an unknown) endpoint id is not found. The answer is only whether the
 * endpoint took it (2xx): a status code or timing would make the test send a probe of whatever
 * the URL reaches (the delivery log, kept for the merchant's own endpoints, retries refused ones).
 */
export async function sendTestWebhook(
  deps: Pick<Deps, "db" | "env" | "log" | "now">,
  opts: { merchantId: string; endpointId: string },
): Promise<{ result: "delivered" | "refused" }> {
  const endpoint = await deps.db.webhookEndpoint.findFirst({
    where: { id: opts.endpointId, merchantId: opts.merchantId },
    select: { id: true, enabled: true },
  });
  if (!endpoint) throw new AppError("not_found", "No such webhook endpoint");
  if (!endpoint.enabled) throw new AppError("conflict", "This webhook endpoint is disabled");
  const eventId = createId("request");
  await enqueueWebhookEvent(deps.db, {
    merchantId: opts.merchantId,
    endpointId: endpoint.id,
    type: "webhook.test",
    eventId,
    data: { message: "A test event from x402 Gateway" },
    at: deps.now(),
  });
  const delivery = await deps.db.webhookDelivery.findFirst({
    where: { merchantId: opts.merchantId, endpointId: endpoint.id, eventId },
    select: { id: true },
  });
  if (!delivery) return { result: "refused" };
  const run = await deliverDueWebhooks(deps, {
    merchantId: opts.merchantId,
    deliveryId: delivery.id,
  });
  return { result: run.succeeded > 0 ? "delivered" : "refused" };
}
