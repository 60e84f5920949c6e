import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { Prisma, type Db, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { toAtomic } from "@/server/db/money";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";
import { getNetworkRegistry } from "@/server/networks/config";

import type { CreateCorrectionInput } from "./correction-schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// Manual ledger corrections by platform admins (a mis-billed fee, a payout sent short, a goodwill
// credit): an Adjustment of kind CORRECTION whose ADJUSTMENT ledger entry, signed from the
// merchant's point of view (credit +, debit −), lands in the statement's `adjustments` column.
// Four eyes: a correction above the platform threshold waits PENDING until a *different* admin
// approves it; the ledger entry is written in the approval's transaction, by a conditional update
// (PENDING → COMPLETED) so a second approval (or an approval racing a rejection) changes nothing.
// At or below the threshold the correction applies at once, its creator standing as approver.

const THRESHOLD_KEY = "corrections.approvalThresholdAtomic";
/** Until an admin sets one: 100 USDC (6 decimals). Atomic units, whatever the asset. */
export const DEFAULT_CORRECTION_APPROVAL_THRESHOLD = 100_000_000n;

export const correctionDtoSchema = z.object({
  id: z.string(),
  merchantId: z.string(),
  merchantName: z.string(),
  direction: z.enum(["CREDIT", "DEBIT"]),
  /** the magnitude, atomic units */
  amountAtomic: z.string(),
  network: z.string(),
  asset: z.string(),
  symbol: z.string(),
  decimals: z.number().int(),
  reason: z.string(),
  paymentId: z.string().nullable(),
  payoutId: z.string().nullable(),
  status: z.enum(["PENDING", "COMPLETED", "REJECTED", "FAILED"]),
  requiresApproval: z.boolean(),
  createdById: z.string().nullable(),
  decidedById: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.date(),
});
export type CorrectionDto = z.infer<typeof correctionDtoSchema>;

const select = {
  id: true,
  merchantId: true,
  merchant: { select: { name: true } },
  amountAtomic: true,
  network: true,
  asset: true,
  reason: true,
  paymentId: true,
  payoutId: true,
  status: true,
  requiresApproval: true,
  createdById: true,
  decidedById: true,
  decidedAt: true,
  decisionNote: true,
  createdAt: true,
} as const satisfies Prisma.AdjustmentSelect;

function toDto(
  deps: Pick<Deps, "env">,
  row: Prisma.AdjustmentGetPayload<{ select: typeof select }>,
): CorrectionDto {
  const signed = toAtomic(row.amountAtomic);
  const asset = getNetworkRegistry(deps.env).asset(row.network, row.asset);
  const { merchant, amountAtomic: _signed, ...rest } = row;
  return {
    ...rest,
    merchantName: merchant.name,
    direction: signed < 0n ? "DEBIT" : "CREDIT",
    amountAtomic: (signed < 0n ? -signed : signed).toString(),
    symbol: asset?.symbol ?? "?",
    decimals: asset?.decimals ?? 0,
  };
}

/** Corrections above this many atomic units need a second admin's approval. */
export async function getCorrectionApprovalThreshold(deps: { db: Db }): Promise<bigint> {
  const row = await deps.db.platformSetting.findUnique({ where: { key: THRESHOLD_KEY } });
  const parsed = z.string().regex(/^\d+$/).safeParse(row?.value);
  return parsed.success ? BigInt(parsed.data) : DEFAULT_CORRECTION_APPROVAL_THRESHOLD;
}

export async function setCorrectionApprovalThreshold(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; thresholdAtomic: string },
): Promise<{ thresholdAtomic: string }> {
  const value = BigInt(opts.thresholdAtomic).toString();
  await deps.db.$transaction(async (tx) => {
    const before = await getCorrectionApprovalThreshold({ db: tx });
    await tx.platformSetting.upsert({
      where: { key: THRESHOLD_KEY },
      create: { key: THRESHOLD_KEY, value },
      update: { value },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.correction_threshold.update",
      targetType: "platform_setting",
      targetId: THRESHOLD_KEY,
      before: { thresholdAtomic: before },
      after: { thresholdAtomic: value },
    });
  });
  return { thresholdAtomic: value };
}

/** The network and token of a correction: the linked payment's or payout's, else the input's (a known asset). */
async function resolveAsset(
  deps: Pick<Deps, "db" | "env">,
  input: CreateCorrectionInput,
): Promise<{ network: string; asset: string }> {
  let linked: { network: string; asset: string } | null = null;
  if (input.paymentId) {
    linked = await deps.db.payment.findFirst({
      where: { id: input.paymentId, merchantId: input.merchantId },
      select: { network: true, asset: true },
    });
    if (!linked) throw fieldError("paymentId", vmsg("corrections.noPayment"));
  }
  if (input.payoutId) {
    const payout = await deps.db.payout.findFirst({
      where: { id: input.payoutId, merchantId: input.merchantId },
      select: { network: true, asset: true },
    });
    if (!payout) throw fieldError("payoutId", vmsg("corrections.noPayout"));
    if (linked && (linked.network !== payout.network || linked.asset !== payout.asset))
      throw fieldError("payoutId", vmsg("corrections.differentAssets"));
    linked = payout;
  }
  const network = input.network || linked?.network;
  const asset = (input.asset || linked?.asset)?.toLowerCase();
  if (!network || !asset) throw fieldError("asset", vmsg("corrections.chooseAsset"));
  if (linked && (linked.network !== network || linked.asset.toLowerCase() !== asset))
    throw fieldError("asset", vmsg("corrections.otherAsset"));
  if (!getNetworkRegistry(deps.env).asset(network, asset))
    throw fieldError("asset", vmsg("corrections.unknownToken"));
  return { network, asset };
}

function ledgerEntryFor(
  row: {
    id: string;
    merchantId: string;
    amountAtomic: Prisma.Decimal;
    network: string;
    asset: string;
    paymentId: string | null;
    payoutId: string | null;
    reason: string;
  },
  approverId: string | null,
  at: Date,
) {
  return {
    id: createId("ledgerEntry"),
    merchantId: row.merchantId,
    type: "ADJUSTMENT" as const,
    amountAtomic: row.amountAtomic,
    network: row.network,
    asset: row.asset,
    paymentId: row.paymentId,
    payoutId: row.payoutId,
    adjustmentId: row.id,
    actorUserId: approverId,
    reason: row.reason,
    createdAt: at,
  };
}

/**
 * Records a correction. Above the threshold it waits for another admin (PENDING); otherwise its
 * ledger entry is written in the same transaction and it is COMPLETED.
 */
export async function createCorrection(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { actor: AuditActor; input: CreateCorrectionInput },
): Promise<CorrectionDto> {
  const { input } = opts;
  const merchant = await deps.db.merchant.findUnique({
    where: { id: input.merchantId },
    select: { id: true },
  });
  if (!merchant) throw fieldError("merchantId", vmsg("corrections.noMerchant"));
  const { network, asset } = await resolveAsset(deps, input);
  const magnitude = BigInt(input.amountAtomic);
  const signed = input.direction === "CREDIT" ? magnitude : -magnitude;
  const now = deps.now();
  const id = await deps.db.$transaction(async (tx) => {
    const threshold = await getCorrectionApprovalThreshold({ db: tx });
    const requiresApproval = magnitude > threshold;
    const row = await tx.adjustment.create({
      data: {
        id: createId("adjustment"),
        merchantId: input.merchantId,
        kind: "CORRECTION",
        status: requiresApproval ? "PENDING" : "COMPLETED",
        requiresApproval,
        amountAtomic: new Prisma.Decimal(signed.toString()),
        network,
        asset,
        reason: input.reason,
        paymentId: input.paymentId || null,
        payoutId: input.payoutId || null,
        createdById: opts.actor.userId ?? null,
        ...(requiresApproval ? {} : { decidedById: opts.actor.userId ?? null, decidedAt: now }),
      },
    });
    if (!requiresApproval)
      await tx.ledgerEntry.create({ data: ledgerEntryFor(row, opts.actor.userId ?? null, now) });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: input.merchantId,
      action: "correction.create",
      targetType: "adjustment",
      targetId: row.id,
      after: {
        direction: input.direction,
        amountAtomic: magnitude,
        network,
        asset,
        reason: input.reason,
        paymentId: row.paymentId,
        payoutId: row.payoutId,
        status: row.status,
        thresholdAtomic: threshold,
      },
    });
    return row.id;
  });
  return toDto(deps, await deps.db.adjustment.findUniqueOrThrow({ where: { id }, select }));
}

async function decide(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { actor: AuditActor; correctionId: string; to: "COMPLETED" | "REJECTED"; note?: string },
): Promise<CorrectionDto> {
  const now = deps.now();
  await deps.db.$transaction(async (tx) => {
    const row = await tx.adjustment.findFirst({
      where: { id: opts.correctionId, kind: "CORRECTION" },
    });
    if (!row) throw new AppError("not_found", "No such correction");
    if (row.status !== "PENDING")
      throw new AppError("conflict", `This correction is already ${row.status.toLowerCase()}`);
    if (!opts.actor.userId || row.createdById === opts.actor.userId) {
      throw new AppError(
        "forbidden",
        opts.to === "COMPLETED"
          ? "Another platform admin must approve a correction you created"
          : "Another platform admin must reject a correction you created; it stays pending",
      );
    }
    // the conditional update is the guard: of two concurrent decisions exactly one moves PENDING on
    const moved = await tx.adjustment.updateMany({
      where: { id: row.id, status: "PENDING" },
      data: {
        status: opts.to,
        decidedById: opts.actor.userId,
        decidedAt: now,
        decisionNote: opts.note ?? null,
      },
    });
    if (moved.count === 0) throw new AppError("conflict", "This correction was decided meanwhile");
    if (opts.to === "COMPLETED")
      await tx.ledgerEntry.create({ data: ledgerEntryFor(row, opts.actor.userId, now) });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: row.merchantId,
      action: opts.to === "COMPLETED" ? "correction.approve" : "correction.reject",
      targetType: "adjustment",
      targetId: row.id,
      before: { status: "PENDING" },
      after: { status: opts.to, amountAtomic: toAtomic(row.amountAtomic), note: opts.note ?? null },
    });
  });
  return toDto(
    deps,
    await deps.db.adjustment.findUniqueOrThrow({ where: { id: opts.correctionId }, select }),
  );
}

/** A second admin approves a pending correction: its ledger entry is written in this transaction. */
export function approveCorrection(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { actor: AuditActor; correctionId: string },
): Promise<CorrectionDto> {
  return decide(deps, { ...opts, to: "COMPLETED" });
}

/** A second admin rejects a pending correction, with a note; nothing reaches the ledger. */
export function rejectCorrection(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { actor: AuditActor; correctionId: string; note: string },
): Promise<CorrectionDto> {
  return decide(deps, { ...opts, to: "REJECTED" });
}

/** Corrections, newest first; one merchant's or all (admins). */
export async function listCorrections(
  deps: { db: PrismaClient; env: Deps["env"] },
  opts: { merchantId?: string; status?: CorrectionDto["status"]; limit?: number } = {},
): Promise<CorrectionDto[]> {
  const rows = await deps.db.adjustment.findMany({
    where: {
      kind: "CORRECTION",
      ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
      ...(opts.status ? { status: opts.status } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit ?? 100,
    select,
  });
  return rows.map((r) => toDto(deps, r));
}
