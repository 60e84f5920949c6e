import type { Db } from "@/server/db";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";

export type AuditActor = {
  userId?: string | null;
  apiKeyId?: string | null;
  /** PLATFORM_ADMIN, OWNER, ADMIN, DEVELOPER, API_KEY or SYSTEM */
  role: string;
  ip?: string | null;
  requestId?: string | null;
};

export type AuditEntry = {
  actor: AuditActor;
  merchantId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
};

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  if (value === undefined || value === null) return Prisma.JsonNull;
  // bigint and Decimal are not JSON: store them as strings
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Prisma.InputJsonValue;
}

/**
 * Appends an audit row. Call it with the transaction client of the change it records so both
 * commit or neither does. Nothing in the product updates or deletes audit rows.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      id: createId("audit"),
      actorUserId: entry.actor.userId ?? null,
      actorKeyId: entry.actor.apiKeyId ?? null,
      actorRole: entry.actor.role,
      merchantId: entry.merchantId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
      ip: entry.actor.ip ?? null,
      requestId: entry.actor.requestId ?? null,
    },
  });
}
