import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import type { Db } from "@/server/db";
import { type Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import { toAtomic, fromAtomic } from "@/server/db/money";
import type { Deps } from "@/server/deps";
import { AppError, fieldError } from "@/server/errors";

import type { CreateFeeTemplateInput, FeeTerms } from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// Fee templates: the platform's take per paid call (basis points of the amount plus an optional
// fixed fee in atomic units). A template's terms only ever change by a new version effective from a
// time that is not in the past, so the version in force for any moment already billed never moves.

export type FeeVersion = {
  templateId: string;
  versionId: string;
  bps: number;
  fixedFeeAtomic: bigint;
};

/**
 * The platform fee for one paid call of `amountAtomic`: floor(amount × bps / 10000) + fixed, capped at
 * the amount (a fee never exceeds what was paid) and never negative.
 */
export function platformFeeFor(
  amountAtomic: bigint,
  version: Pick<FeeVersion, "bps" | "fixedFeeAtomic">,
): bigint {
  if (amountAtomic <= 0n) return 0n;
  const fee = (amountAtomic * BigInt(version.bps)) / 10_000n + version.fixedFeeAtomic;
  if (fee < 0n) return 0n;
  return fee > amountAtomic ? amountAtomic : fee;
}

async function versionInForce(db: Db, templateId: string, at: Date): Promise<FeeVersion | null> {
  const v = await db.feeTemplateVersion.findFirst({
    where: { templateId, effectiveFrom: { lte: at } },
    orderBy: { effectiveFrom: "desc" },
    select: { id: true, templateId: true, bps: true, fixedFeeAtomic: true },
  });
  return v
    ? {
        templateId: v.templateId,
        versionId: v.id,
        bps: v.bps,
        fixedFeeAtomic: toAtomic(v.fixedFeeAtomic),
      }
    : null;
}

/**
 * The fee terms in force for a merchant at a moment: the merchant's own template, else the default
 * template; of that template, the latest version effective at or before `at`. A merchant whose
 * template has no version in force yet (its first version starts later) pays the default's terms.
 * Null when neither has terms in force (no platform fee).
 */
export async function feeVersionInForce(
  db: Db,
  opts: {
    merchantId: string;
    at: Date;
    /** the merchant's own template when the caller read it already (saves a round trip) */
    feeTemplateId?: string | null;
  },
): Promise<FeeVersion | null> {
  const feeTemplateId =
    opts.feeTemplateId !== undefined
      ? opts.feeTemplateId
      : (
          await db.merchant.findUnique({
            where: { id: opts.merchantId },
            select: { feeTemplateId: true },
          })
        )?.feeTemplateId;
  if (feeTemplateId) {
    const own = await versionInForce(db, feeTemplateId, opts.at);
    if (own) return own;
  }
  const defaultTemplate = await db.feeTemplate.findFirst({
    where: { isDefault: true },
    orderBy: { updatedAt: "desc" },
    select: { id: true },
  });
  return defaultTemplate ? versionInForce(db, defaultTemplate.id, opts.at) : null;
}

function effectiveFromOrThrow(now: Date, effectiveFrom: Date | undefined): Date {
  if (!effectiveFrom) return now;
  // a version starting in the past would change the fee of calls already billed
  if (effectiveFrom.getTime() < now.getTime())
    throw fieldError("effectiveFrom", vmsg("billing.feeStartInPast"));
  return effectiveFrom;
}

// Only one default: setting one clears the others under a transaction-scoped lock, so two
// concurrent "make default" calls cannot both win.
async function makeDefault(tx: Prisma.TransactionClient, templateId: string) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('fee_template_default'))`);
  await tx.feeTemplate.updateMany({
    where: { isDefault: true, NOT: { id: templateId } },
    data: { isDefault: false },
  });
  await tx.feeTemplate.update({ where: { id: templateId }, data: { isDefault: true } });
}

function versionDto(v: {
  id: string;
  bps: number;
  fixedFeeAtomic: Prisma.Decimal;
  effectiveFrom: Date;
  createdAt: Date;
}) {
  return {
    id: v.id,
    bps: v.bps,
    fixedFeeAtomic: toAtomic(v.fixedFeeAtomic),
    effectiveFrom: v.effectiveFrom,
    createdAt: v.createdAt,
  };
}

export async function createFeeTemplate(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; input: CreateFeeTemplateInput },
) {
  const now = deps.now();
  const effectiveFrom = effectiveFromOrThrow(now, opts.input.effectiveFrom);
  const existing = await deps.db.feeTemplate.findUnique({
    where: { name: opts.input.name },
    select: { id: true },
  });
  if (existing) throw fieldError("name", vmsg("billing.templateNameTaken"), "conflict");
  return deps.db.$transaction(async (tx) => {
    const template = await tx.feeTemplate.create({
      data: { id: createId("feeTemplate"), name: opts.input.name },
    });
    const version = await tx.feeTemplateVersion.create({
      data: {
        id: createId("feeTemplateVersion"),
        templateId: template.id,
        bps: opts.input.bps,
        fixedFeeAtomic: fromAtomic(opts.input.fixedFeeAtomic),
        effectiveFrom,
        createdById: opts.actor.userId ?? null,
      },
    });
    if (opts.input.isDefault) await makeDefault(tx, template.id);
    const after = {
      name: template.name,
      isDefault: opts.input.isDefault,
      version: versionDto(version),
    };
    await recordAudit(tx, {
      actor: opts.actor,
      action: "fee_template.create",
      targetType: "fee_template",
      targetId: template.id,
      after,
    });
    return { id: template.id, versionId: version.id };
  });
}

export async function addFeeTemplateVersion(
  deps: Pick<Deps, "db" | "now">,
  opts: { actor: AuditActor; templateId: string; terms: FeeTerms },
) {
  const now = deps.now();
  const effectiveFrom = effectiveFromOrThrow(now, opts.terms.effectiveFrom);
  return deps.db.$transaction(async (tx) => {
    const template = await tx.feeTemplate.findUnique({
      where: { id: opts.templateId },
      select: { id: true },
    });
    if (!template) throw new AppError("not_found", "No such fee template");
    const before = await versionInForce(tx, opts.templateId, effectiveFrom);
    const clash = await tx.feeTemplateVersion.findUnique({
      where: { templateId_effectiveFrom: { templateId: opts.templateId, effectiveFrom } },
      select: { id: true },
    });
    if (clash) throw fieldError("effectiveFrom", vmsg("billing.versionClash"), "conflict");
    const version = await tx.feeTemplateVersion.create({
      data: {
        id: createId("feeTemplateVersion"),
        templateId: opts.templateId,
        bps: opts.terms.bps,
        fixedFeeAtomic: fromAtomic(opts.terms.fixedFeeAtomic),
        effectiveFrom,
        createdById: opts.actor.userId ?? null,
      },
    });
    await tx.feeTemplate.update({ where: { id: opts.templateId }, data: { updatedAt: now } });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "fee_template.version.create",
      targetType: "fee_template",
      targetId: opts.templateId,
      before: before ? { bps: before.bps, fixedFeeAtomic: before.fixedFeeAtomic } : null,
      after: versionDto(version),
    });
    return { id: version.id };
  });
}

export async function setDefaultFeeTemplate(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; templateId: string },
) {
  await deps.db.$transaction(async (tx) => {
    const template = await tx.feeTemplate.findUnique({
      where: { id: opts.templateId },
      select: { id: true },
    });
    if (!template) throw new AppError("not_found", "No such fee template");
    const previous = await tx.feeTemplate.findFirst({
      where: { isDefault: true },
      select: { id: true },
    });
    await makeDefault(tx, opts.templateId);
    await recordAudit(tx, {
      actor: opts.actor,
      action: "fee_template.set_default",
      targetType: "fee_template",
      targetId: opts.templateId,
      before: { defaultTemplateId: previous?.id ?? null },
      after: { defaultTemplateId: opts.templateId },
    });
  });
}

/** Assigns a template to a merchant (null: back to the default template). */
export async function assignMerchantFeeTemplate(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; merchantId: string; templateId: string | null },
) {
  await deps.db.$transaction(async (tx) => {
    const merchant = await tx.merchant.findUnique({
      where: { id: opts.merchantId },
      select: { feeTemplateId: true },
    });
    if (!merchant) throw new AppError("not_found", "No such merchant");
    if (
      opts.templateId &&
      !(await tx.feeTemplate.findUnique({ where: { id: opts.templateId }, select: { id: true } }))
    ) {
      throw fieldError("templateId", vmsg("billing.noFeeTemplate"));
    }
    await tx.merchant.update({
      where: { id: opts.merchantId },
      data: { feeTemplateId: opts.templateId },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.fee_template.assign",
      targetType: "merchant",
      targetId: opts.merchantId,
      before: { feeTemplateId: merchant.feeTemplateId },
      after: { feeTemplateId: opts.templateId },
    });
  });
  publishMerchantConfigChanged(opts.merchantId);
}

/** Every template with its versions (newest first), the terms in force now and how many merchants use it. */
export async function listFeeTemplates(deps: Pick<Deps, "db" | "now">) {
  const now = deps.now();
  const templates = await deps.db.feeTemplate.findMany({
    orderBy: [{ isDefault: "desc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      isDefault: true,
      createdAt: true,
      _count: { select: { merchants: true } },
      versions: {
        orderBy: { effectiveFrom: "desc" },
        select: { id: true, bps: true, fixedFeeAtomic: true, effectiveFrom: true, createdAt: true },
      },
    },
  });
  return templates.map(({ _count, versions, ...t }) => {
    const dtos = versions.map(versionDto);
    return {
      ...t,
      merchants: _count.merchants,
      versions: dtos,
      inForce: dtos.find((v) => v.effectiveFrom.getTime() <= now.getTime()) ?? null,
    };
  });
}
