import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";

import { deliverDueWebhooks, type DeliveryRun } from "./deliver";
import { enqueueWebhookEvent } from "./webhooks";

/**
 * Queues a `webhook.test` event for one of the merchant's endpoints and sends what is due for this
 * merchant now. Another merchant's (or an unknown) endpoint id is not found, not "0 queued".
 */
export async function sendTestWebhook(
  deps: Pick<Deps, "db" | "env" | "log" | "now">,
  opts: { merchantId: string; endpointId: string },
): Promise<{ queued: number } & DeliveryRun> {
  const endpoint = await deps.db.webhookEndpoint.findFirst({ where: { id: opts.endpointId, merchantId: opts.merchantId }, select: { id: true, enabled: true } });
  if (!endpoint) throw new AppError("not_found", "No such webhook endpoint");
  if (!endpoint.enabled) throw new AppError("conflict", "This webhook endpoint is disabled");
  const queued = await enqueueWebhookEvent(deps.db, {
    merchantId: opts.merchantId,
    endpointId: endpoint.id,
    type: "webhook.test",
    eventId: createId("request"),
    data: { message: "A test event from x402 Gateway" },
    at: deps.now(),
  });
  const run = await deliverDueWebhooks(deps, { merchantId: opts.merchantId });
  return { queued, ...run };
}
