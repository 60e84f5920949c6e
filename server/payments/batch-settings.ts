import type { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { PrismaClient } from "@/server/db";
import { toAtomic } from "@/server/db/money";

import { batchSettingsInput } from "./batch-settings-schema";

// A merchant's batch-settlement thresholds (server/payments/batch-settlement.ts reads them each
// pass) and what is waiting for the next batch.

export { batchSettingsInput };

export type BatchSettings = {
  maxCalls: number;
  maxAgeSeconds: number;
  /** calls charged against channels and not yet claimed */
  accrued: { count: number; amountAtomic: string };
};

export async function getBatchSettings(
  deps: { db: PrismaClient },
  opts: { merchantId: string },
): Promise<BatchSettings> {
  const [merchant, accrued] = await Promise.all([
    deps.db.merchant.findUniqueOrThrow({
      where: { id: opts.merchantId },
      select: { batchMaxCalls: true, batchMaxAgeSeconds: true },
    }),
    deps.db.payment.aggregate({
      where: { merchantId: opts.merchantId, status: "ACCRUED", settlementPolicy: "BATCH" },
      _count: true,
      _sum: { amountAtomic: true },
    }),
  ]);
  return {
    maxCalls: merchant.batchMaxCalls,
    maxAgeSeconds: merchant.batchMaxAgeSeconds,
    accrued: {
      count: accrued._count,
      amountAtomic: accrued._sum.amountAtomic
        ? toAtomic(accrued._sum.amountAtomic).toString()
        : "0",
    },
  };
}

export async function updateBatchSettings(
  deps: { db: PrismaClient },
  opts: { merchantId: string; actor: AuditActor; input: z.infer<typeof batchSettingsInput> },
): Promise<BatchSettings> {
  await deps.db.$transaction(async (tx) => {
    const select = { batchMaxCalls: true, batchMaxAgeSeconds: true } as const;
    const before = await tx.merchant.findUniqueOrThrow({ where: { id: opts.merchantId }, select });
    const after = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: { batchMaxCalls: opts.input.maxCalls, batchMaxAgeSeconds: opts.input.maxAgeSeconds },
      select,
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.batch_settlement.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before,
      after,
    });
  });
  return getBatchSettings(deps, opts);
}
