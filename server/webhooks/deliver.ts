import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";

import { postWebhook, WEBHOOK_REFUSED_MESSAGE } from "./post";
import {
  MAX_WEBHOOK_ATTEMPTS,
  signWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  webhookBackoffSeconds,
} from "./signature";
import { endpointSecret } from "./webhooks";

// Sends queued webhook deliveries: each is leased before it is sent (so two instances never send
// the same one at once), signed, POSTed, and then marked delivered, retried later with backoff, or
// failed after MAX_WEBHOOK_ATTEMPTS. Every attempt is logged. The address connected to must pass
// the SSRF rules at connect time (post.ts), unless ALLOW_PRIVATE_UPSTREAMS.

const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

export type DeliveryRun = {
  sent: number;
  succeeded: number;
  retrying: number;
  failed: number;
  refused: number;
};

export async function deliverDueWebhooks(
  deps: Pick<Deps, "db" | "env" | "log" | "now">,
  opts: { limit?: number; merchantId?: string; deliveryId?: string } = {},
): Promise<DeliveryRun> {
  const now = deps.now();
  const due = await deps.db.webhookDelivery.findMany({
    where: {
      status: "PENDING",
      nextAttemptAt: { lte: now },
      ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
      ...(opts.deliveryId ? { id: opts.deliveryId } : {}),
    },
    orderBy: { nextAttemptAt: "asc" },
    take: opts.limit ?? 20,
    select: {
      id: true,
      merchantId: true,
      endpointId: true,
      eventId: true,
      eventType: true,
      payload: true,
      attempts: true,
      requestId: true,
      endpoint: { select: { url: true } },
    },
  });
  const run: DeliveryRun = { sent: 0, succeeded: 0, retrying: 0, failed: 0, refused: 0 };
  for (const delivery of due) {
    const leased = await deps.db.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "PENDING", nextAttemptAt: { lte: now } },
      data: { nextAttemptAt: new Date(now.getTime() + LEASE_MS) },
    });
    if (leased.count === 0) continue;
    run.sent += 1;
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(now.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const secret = await endpointSecret(deps, {
        merchantId: delivery.merchantId,
        endpointId: delivery.endpointId,
      });
      const result = await postWebhook(delivery.endpoint.url, {
        headers: {
          "content-type": "application/json",
          "user-agent": "x402-gateway-webhooks/1",
          "x-x402-event-id": delivery.eventId,
          // the id of the gateway request that caused the event, so the merchant can correlate
          ...(delivery.requestId ? { "x-request-id": delivery.requestId } : {}),
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
        },
        body,
        timeoutMs: TIMEOUT_MS,
        allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS,
      });
      if (result.kind === "answered") statusCode = result.status;
      else if (result.kind === "refused") {
        error = WEBHOOK_REFUSED_MESSAGE;
        run.refused += 1;
      } else error = result.message;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const attempts = delivery.attempts + 1;
    const exhausted = !ok && attempts >= MAX_WEBHOOK_ATTEMPTS;
    await deps.db.$transaction([
      deps.db.webhookAttempt.create({
        data: {
          id: createId("webhookAttempt"),
          merchantId: delivery.merchantId,
          deliveryId: delivery.id,
          statusCode,
          error,
          durationMs,
        },
      }),
      deps.db.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts,
          lastStatusCode: statusCode,
          lastError: error ?? (ok ? null : `HTTP ${statusCode}`),
          status: ok ? "SUCCEEDED" : exhausted ? "FAILED" : "PENDING",
          deliveredAt: ok ? deps.now() : null,
          nextAttemptAt:
            ok || exhausted
              ? now
              : new Date(now.getTime() + webhookBackoffSeconds(attempts) * 1000),
        },
      }),
    ]);
    if (ok) run.succeeded += 1;
    else if (exhausted) run.failed += 1;
    else run.retrying += 1;
    const logged = {
      requestId: delivery.requestId,
      merchantId: delivery.merchantId,
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      statusCode,
      attempts,
      durationMs,
    };
    if (ok) deps.log.info(logged, "webhook delivered");
    else deps.log.info({ ...logged, error }, "webhook delivery failed");
  }
  return run;
}
