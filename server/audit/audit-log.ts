import { z } from "zod";

import type { Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";
import { merchantIdSchema } from "@/server/merchants/schemas";

// Reading the audit log. There is deliberately no function here (or anywhere) that updates or
// deletes an entry: the log is append-only through recordAudit.

export const auditFiltersSchema = z.object({
  /** the actor's user id, or part of their email */
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  /** the target's type (merchant, api_key, …) or its id */
  target: z.string().trim().max(200).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  cursor: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

export const adminAuditFiltersSchema = auditFiltersSchema.extend({
  merchantId: merchantIdSchema.optional(),
});

export type AuditEntryDto = {
  id: string;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  actorKeyId: string | null;
  actorRole: string;
  merchantId: string | null;
  merchantName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
};

/**
 * Audit entries newest first. `merchantId` undefined reads every merchant's and the platform's own
 * entries (platform admins only); the merchant console always passes its merchant.
 */
export async function listAuditEntries(
  deps: Pick<Deps, "db">,
  opts: AuditFilters & { merchantId: string | undefined },
): Promise<{ items: AuditEntryDto[]; nextCursor: string | null }> {
  const where: Prisma.AuditLogWhereInput = {
    ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
    ...(opts.actor
      ? {
          OR: [
            { actorUserId: opts.actor },
            { actor: { email: { contains: opts.actor, mode: "insensitive" } } },
          ],
        }
      : {}),
    ...(opts.action ? { action: { startsWith: opts.action } } : {}),
    ...(opts.target
      ? { AND: [{ OR: [{ targetType: opts.target }, { targetId: opts.target }] }] }
      : {}),
    ...(opts.from || opts.to
      ? {
          createdAt: {
            ...(opts.from ? { gte: opts.from } : {}),
            ...(opts.to ? { lt: opts.to } : {}),
          },
        }
      : {}),
  };
  const rows = await deps.db.auditLog.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    include: { actor: { select: { email: true } }, merchant: { select: { name: true } } },
  });
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map(({ actor, merchant, ...r }) => ({
      ...r,
      actorEmail: actor?.email ?? null,
      merchantName: merchant?.name ?? null,
    })),
    nextCursor: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
