import { type z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import type { PrismaClient } from "@/server/db";
import { fromAtomic, toAtomic } from "@/server/db/money";
import { fieldError } from "@/server/errors";
import { formatAtomic, parseDecimalToAtomic } from "@/server/pricing/price";

import { CAP_DECIMALS, deferredSettingsInput } from "./deferred-settings-schema";

// A merchant's switch for DEFERRED settlement and its risk cap: how much a single payer may have
// served but not yet settled (see deferred-settings-schema.ts for the units).

export { deferredSettingsInput };

export type DeferredSettings = {
  enabled: boolean;
  maxUnsettledPerPayer: string | null;
  /** payments served and waiting in the settlement queue */
  queued: { count: number; amountAtomic: string };
  /** payers whose deferred settlement failed: their deferred calls settle first */
  flaggedPayers: number;
};

export async function getDeferredSettings(
  deps: { db: PrismaClient },
  opts: { merchantId: string },
): Promise<DeferredSettings> {
  const [merchant, queued, flagged] = await Promise.all([
    deps.db.merchant.findUniqueOrThrow({
      where: { id: opts.merchantId },
      select: { deferredSettlementOn: true, maxUnsettledPerPayer: true },
    }),
    deps.db.payment.aggregate({
      where: { merchantId: opts.merchantId, status: "VERIFIED", settlementPolicy: "DEFERRED" },
      _count: true,
      _sum: { amountAtomic: true },
    }),
    deps.db.payerFlag.findMany({
      where: { merchantId: opts.merchantId },
      distinct: ["payer"],
      select: { payer: true },
    }),
  ]);
  return {
    enabled: merchant.deferredSettlementOn,
    maxUnsettledPerPayer:
      merchant.maxUnsettledPerPayer === null
        ? null
        : formatAtomic(toAtomic(merchant.maxUnsettledPerPayer), CAP_DECIMALS),
    queued: {
      count: queued._count,
      amountAtomic: queued._sum.amountAtomic ? toAtomic(queued._sum.amountAtomic).toString() : "0",
    },
    flaggedPayers: flagged.length,
  };
}

export async function updateDeferredSettings(
  deps: { db: PrismaClient },
  opts: { merchantId: string; actor: AuditActor; input: z.infer<typeof deferredSettingsInput> },
): Promise<DeferredSettings> {
  let cap: bigint | null = null;
  if (opts.input.maxUnsettledPerPayer !== null && opts.input.maxUnsettledPerPayer !== "") {
    const parsed = parseDecimalToAtomic(opts.input.maxUnsettledPerPayer, CAP_DECIMALS);
    if (!parsed.ok) throw fieldError("maxUnsettledPerPayer", parsed.message);
    if (parsed.atomic <= 0n)
      throw fieldError("maxUnsettledPerPayer", "The cap must be above zero (clear it for no cap)");
    cap = parsed.atomic;
  }
  await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUniqueOrThrow({
      where: { id: opts.merchantId },
      select: { deferredSettlementOn: true, maxUnsettledPerPayer: true },
    });
    const after = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: {
        deferredSettlementOn: opts.input.enabled,
        maxUnsettledPerPayer: cap === null ? null : fromAtomic(cap),
      },
      select: { deferredSettlementOn: true, maxUnsettledPerPayer: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.deferred_settlement.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
  });
  publishMerchantConfigChanged(opts.merchantId);
  return getDeferredSettings(deps, opts);
}
