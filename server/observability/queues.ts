import type { PrismaClient } from "@/server/db";

import type { QueueReading } from "./metrics";

// The durable queues' depth and oldest item, read when Prometheus scrapes (and by the admin
// operations view): one aggregate query each, on indexed columns, never on the request path.
// Platform-wide by design: these are the operator's numbers, not a merchant's data.

type Row = { depth: bigint | number; oldest: Date | null };

function readingOf(rows: Row[], now: Date): QueueReading {
  const row = rows[0];
  const oldest = row?.oldest ?? null;
  return {
    depth: Number(row?.depth ?? 0),
    oldestAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
  };
}

/** Webhook deliveries waiting to be sent (first attempts and retries). */
export async function readWebhookQueue(db: PrismaClient, now: Date): Promise<QueueReading> {
  const rows = await db.$queryRaw<
    Row[]
  >`SELECT COUNT(*) AS depth, MIN("createdAt") AS oldest FROM "WebhookDelivery" WHERE status = 'PENDING'`;
  return readingOf(rows, now);
}

/** DEFERRED payments served and waiting for the settlement queue. */
export async function readDeferredQueue(db: PrismaClient, now: Date): Promise<QueueReading> {
  const rows = await db.$queryRaw<
    Row[]
  >`SELECT COUNT(*) AS depth, MIN("createdAt") AS oldest FROM "Payment" WHERE status = 'VERIFIED' AND "settlementPolicy" = 'DEFERRED'`;
  return readingOf(rows, now);
}
