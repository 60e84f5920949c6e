import { randomBytes } from "node:crypto";

import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { openSecret, sealSecret } from "@/server/crypto/secrets";
import { type Prisma, type Db } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import { WEBHOOK_EVENT_TYPES, type SubscribableWebhookEvent } from "./event-types";
import { checkUpstreamUrl, UPSTREAM_URL_MESSAGES } from "@/server/security/ssrf";
import { vmsg } from "@/server/i18n/validation-keys";

// Webhook endpoints and the events queued for them. Events are queued in the same transaction as
// the change they report (a settled payment and its payment.settled delivery commit together), so
// none is lost; server/webhooks/deliver.ts sends them.

export { WEBHOOK_EVENT_TYPES };
/** Security notices go to every enabled endpoint, whatever it subscribed to (see enqueueWebhookEvent's allEndpoints). */
export type WebhookEventType =
  SubscribableWebhookEvent | "webhook.test" | "merchant.payout_address_changed";

export const createWebhookInput = z.object({
  url: z.string().trim().url(vmsg("webhooks.absoluteUrl")).max(2048),
  description: z.string().trim().max(200).optional(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, vmsg("webhooks.chooseEvent")),
});

export const webhookEndpointDtoSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.date(),
});
export type WebhookEndpointDto = z.infer<typeof webhookEndpointDtoSchema>;

/** The signing secret is shown once, here. */
export const createdWebhookEndpointSchema = z.object({
  secret: z.string(),
  endpoint: webhookEndpointDtoSchema,
});

export const webhookDeliveryDtoSchema = z.object({
  id: z.string(),
  eventType: z.string(),
  eventId: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
  endpoint: z.object({ url: z.string() }),
  attemptsLog: z.array(
    z.object({
      id: z.string(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
      createdAt: z.date(),
    }),
  ),
});
const endpointSelect = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  createdAt: true,
} as const;

export async function listWebhookEndpoints(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<WebhookEndpointDto[]> {
  return deps.db.webhookEndpoint.findMany({
    where: { merchantId: opts.merchantId },
    orderBy: { createdAt: "asc" },
    select: endpointSelect,
  });
}

/** Creates an endpoint; its signing secret is returned this once and stored encrypted. */
export async function createWebhookEndpoint(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; actor: AuditActor; input: z.infer<typeof createWebhookInput> },
): Promise<{ secret: string; endpoint: WebhookEndpointDto }> {
  const check = checkUpstreamUrl(opts.input.url, {
    allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS,
  });
  if (!check.ok) {
    const message = UPSTREAM_URL_MESSAGES[check.reason];
    throw fieldError("url", message);
  }
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const sealed = sealSecret(secret, deps.env);
  const endpoint = await deps.db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id: createId("webhookEndpoint"),
        merchantId: opts.merchantId,
        url: check.url.toString(),
        description: opts.input.description || null,
        secretCiphertext: sealed.ciphertext,
        secretKeyId: sealed.keyId,
        events: opts.input.events,
      },
      select: endpointSelect,
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "webhook.create",
      targetType: "webhook_endpoint",
      targetId: created.id,
      after: created,
    });
    return created;
  });
  return { secret, endpoint };
}

export async function deleteWebhookEndpoint(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; endpointId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const deleted = await tx.webhookEndpoint.deleteMany({
      where: { id: opts.endpointId, merchantId: opts.merchantId },
    });
    if (deleted.count === 0) throw new AppError("not_found", "No such webhook endpoint");
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "webhook.delete",
      targetType: "webhook_endpoint",
      targetId: opts.endpointId,
    });
  });
}

/** The endpoint's signing secret, decrypted for signing a delivery. */
export async function endpointSecret(
  deps: Pick<Deps, "db" | "env">,
  opts: { merchantId: string; endpointId: string },
): Promise<string> {
  const row = await deps.db.webhookEndpoint.findFirstOrThrow({
    where: { id: opts.endpointId, merchantId: opts.merchantId },
    select: { secretCiphertext: true, secretKeyId: true },
  });
  return openSecret({ ciphertext: row.secretCiphertext, keyId: row.secretKeyId }, deps.env);
}

/**
 * Queues an event for every enabled endpoint of the merchant that subscribes to it. Call it with
 * the transaction of the change it reports. `eventId` makes a re-run queue nothing twice.
 */
export async function enqueueWebhookEvent(
  db: Db,
  opts: {
    merchantId: string;
    type: WebhookEventType;
    eventId: string;
    data: Record<string, unknown>;
    at: Date;
    endpointId?: string;
    allEndpoints?: boolean;
    requestId?: string | null;
  },
): Promise<number> {
  const scope = opts.endpointId
    ? { id: opts.endpointId }
    : opts.allEndpoints
      ? {}
      : { events: { has: opts.type } };
  const endpoints = await db.webhookEndpoint.findMany({
    where: { merchantId: opts.merchantId, enabled: true, ...scope },
    select: { id: true },
  });
  if (endpoints.length === 0) return 0;
  const payload = {
    id: opts.eventId,
    type: opts.type,
    createdAt: opts.at.toISOString(),
    data: opts.data,
  } as Prisma.InputJsonValue;
  const created = await db.webhookDelivery.createMany({
    data: endpoints.map((e) => ({
      id: createId("webhookDelivery"),
      merchantId: opts.merchantId,
      endpointId: e.id,
      eventId: opts.eventId,
      eventType: opts.type,
      payload,
      nextAttemptAt: opts.at,
      requestId: opts.requestId ?? null,
    })),
    skipDuplicates: true,
  });
  return created.count;
}

/**
 * Several events of one change (a settlement's `payment.settled` and `usage.charged`), queued as
 * enqueueWebhookEvent queues each, with one read of the subscribed endpoints and one insert: the
 * settlement's transaction makes two round trips for them instead of four.
 */
export async function enqueueWebhookEvents(
  db: Db,
  opts: {
    merchantId: string;
    at: Date;
    requestId?: string | null;
    events: { type: WebhookEventType; eventId: string; data: Record<string, unknown> }[];
    /** the merchant's enabled endpoints when the caller read them already (saves a round trip) */
    endpoints?: { id: string; events: string[] }[];
  },
): Promise<number> {
  const endpoints =
    opts.endpoints ??
    (await db.webhookEndpoint.findMany({
      where: {
        merchantId: opts.merchantId,
        enabled: true,
        events: { hasSome: opts.events.map((e) => e.type) },
      },
      select: { id: true, events: true },
    }));
  const rows = opts.events.flatMap((event) => {
    const payload = {
      id: event.eventId,
      type: event.type,
      createdAt: opts.at.toISOString(),
      data: event.data,
    } as Prisma.InputJsonValue;
    return endpoints
      .filter((e) => (e.events as string[]).includes(event.type))
      .map((e) => ({
        id: createId("webhookDelivery"),
        merchantId: opts.merchantId,
        endpointId: e.id,
        eventId: event.eventId,
        eventType: event.type,
        payload,
        nextAttemptAt: opts.at,
        requestId: opts.requestId ?? null,
      }));
  });
  if (rows.length === 0) return 0;
  const created = await db.webhookDelivery.createMany({ data: rows, skipDuplicates: true });
  return created.count;
}

export async function listWebhookDeliveries(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; limit?: number },
) {
  return deps.db.webhookDelivery.findMany({
    where: { merchantId: opts.merchantId },
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 50,
    select: {
      id: true,
      eventType: true,
      eventId: true,
      status: true,
      attempts: true,
      lastStatusCode: true,
      lastError: true,
      nextAttemptAt: true,
      deliveredAt: true,
      createdAt: true,
      endpoint: { select: { url: true } },
      attemptsLog: {
        select: { id: true, statusCode: true, error: true, durationMs: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}
