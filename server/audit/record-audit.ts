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

// Wallet addresses are sealed at rest (server/crypto/secrets.ts); an append-only audit row cannot be
// re-sealed by a key rotation, so it keeps only a masked form: enough to see that and roughly to
// what an address changed, not the address.
const ADDRESS_FIELDS = new Set(["payoutAddress", "walletAddress", "toAddress", "payTo"]);

export function maskAddress(address: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(address)
    ? `${address.slice(0, 6)}…${address.slice(-4)}`
    : "••••";
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  if (value === undefined || value === null) return Prisma.JsonNull;
  // bigint and Decimal are not JSON: store them as strings
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (ADDRESS_FIELDS.has(key) && typeof v === "string") return maskAddress(v);
      return v;
    }),
  ) as Prisma.InputJsonValue;
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
