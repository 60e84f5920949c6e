import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { Prisma, type Db } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";

import { normalizeBlockValue } from "./block-values";
import type { CreateBlockInput, RiskBlockDto, RiskBlockKind } from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// The platform's blocklist (admin risk page): block a payer address or a client IP / CIDR range
// with a reason and an optional expiry, lift a block. Rows are kept when lifted (revokedAt) so the
// page can show what was blocked and by whom. Each change is audited in its transaction, then the
// gateways' in-memory blocklist is invalidated (server/risk/blocklist-cache.ts).

/** The invalidation key the blocklist cache listens on (the merchant-config bus, see blocklist-cache.ts). */
export const BLOCKLIST_CHANGED = "platform:risk-blocklist";

const blockSelect = {
  id: true,
  kind: true,
  value: true,
  reason: true,
  expiresAt: true,
  createdBy: true,
  createdAt: true,
  revokedAt: true,
  revokedBy: true,
} as const;
type BlockRow = Prisma.RiskBlockGetPayload<{ select: typeof blockSelect }>;

function toBlockDto(row: BlockRow, now: Date): RiskBlockDto {
  return {
    ...row,
    active: row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now),
  };
}

const activeKeyOf = (kind: RiskBlockKind, value: string) => `${kind}:${value}`;

/** The blocks in force at `now` (the gateway's cache loads these; lapsed ones are left out). */
export async function loadActiveBlocks(db: Db, now: Date) {
  return db.riskBlock.findMany({
    where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true, kind: true, value: true, expiresAt: true },
  });
}

export async function adminListBlocks(
  deps: Pick<Deps, "db" | "now">,
  opts: { scope: "active" | "all"; limit: number },
): Promise<RiskBlockDto[]> {
  const now = deps.now();
  const rows = await deps.db.riskBlock.findMany({
    where:
      opts.scope === "active"
        ? { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }
        : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit,
    select: blockSelect,
  });
  return rows.map((r) => toBlockDto(r, now));
}

export async function adminBlock(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; input: CreateBlockInput },
): Promise<RiskBlockDto> {
  const now = deps.now();
  const { kind, reason } = opts.input;
  const normalized = normalizeBlockValue(kind, opts.input.value);
  if (!normalized.ok) throw fieldError("value", normalized.message);
  const expiresAt = opts.input.expiresAt ?? null;
  if (expiresAt && expiresAt <= now) throw fieldError("expiresAt", vmsg("risk.expiryInPast"));
  const activeKey = activeKeyOf(kind, normalized.value);
  let row: BlockRow;
  try {
    row = await deps.db.$transaction(async (tx) => {
      // a lapsed block of the same value still holds the key: it gives it up (it no longer applies)
      await tx.riskBlock.updateMany({
        where: { activeKey, expiresAt: { lte: now } },
        data: { activeKey: null },
      });
      const created = await tx.riskBlock.create({
        data: {
          id: createId("riskBlock"),
          kind,
          value: normalized.value,
          activeKey,
          reason,
          expiresAt,
          createdBy: opts.actor.userId ?? null,
        },
        select: blockSelect,
      });
      await recordAudit(tx, {
        actor: opts.actor,
        action: "risk.block",
        targetType: "risk_block",
        targetId: created.id,
        after: { kind, value: normalized.value, reason, expiresAt },
      });
      return created;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      throw fieldError(
        "value",
        vmsg("risk.alreadyBlocked", { value: normalized.value }),
        "conflict",
      );
    throw err;
  }
  publishMerchantConfigChanged(BLOCKLIST_CHANGED);
  return toBlockDto(row, now);
}

export async function adminUnblock(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; blockId: string },
): Promise<RiskBlockDto> {
  const now = deps.now();
  const row = await deps.db.$transaction(async (tx) => {
    const before = await tx.riskBlock.findUnique({
      where: { id: opts.blockId },
      select: blockSelect,
    });
    if (!before) throw new AppError("not_found", "No such block");
    const updated = await tx.riskBlock.updateMany({
      where: { id: opts.blockId, revokedAt: null },
      data: { revokedAt: now, revokedBy: opts.actor.userId ?? null, activeKey: null },
    });
    if (updated.count === 0) throw new AppError("conflict", "This block was already lifted");
    await recordAudit(tx, {
      actor: opts.actor,
      action: "risk.unblock",
      targetType: "risk_block",
      targetId: before.id,
      before: {
        kind: before.kind,
        value: before.value,
        reason: before.reason,
        expiresAt: before.expiresAt,
      },
      after: { revokedAt: now },
    });
    return { ...before, revokedAt: now, revokedBy: opts.actor.userId ?? null };
  });
  publishMerchantConfigChanged(BLOCKLIST_CHANGED);
  return toBlockDto(row, now);
}
