import type { Db } from "@/server/db";
import { toAtomic } from "@/server/db/money";

// The platform's take on a paid call: basis points of the amount plus an optional fixed fee, from
// the fee template version in force when the payment settled (the merchant's template, else the
// default one). A change is a new version effective from a stated time, so closed periods keep theirs.

export type FeeVersion = { templateId: string; versionId: string; bps: number; fixedFeeAtomic: bigint };

/** floor(amount × bps / 10 000) + fixed, never more than the amount itself. Pure. */
export function platformFeeFor(amountAtomic: bigint, version: Pick<FeeVersion, "bps" | "fixedFeeAtomic">): bigint {
  const fee = (amountAtomic * BigInt(version.bps)) / 10_000n + version.fixedFeeAtomic;
  return fee > amountAtomic ? amountAtomic : fee;
}

export async function feeVersionInForce(db: Db, opts: { merchantId: string; at: Date }): Promise<FeeVersion | null> {
  const merchant = await db.merchant.findUnique({ where: { id: opts.merchantId }, select: { feeTemplateId: true } });
  const template = merchant?.feeTemplateId
    ? { id: merchant.feeTemplateId }
    : await db.feeTemplate.findFirst({ where: { isDefault: true }, select: { id: true } });
  if (!template) return null;
  const version = await db.feeTemplateVersion.findFirst({
    where: { templateId: template.id, effectiveFrom: { lte: opts.at } },
    orderBy: { effectiveFrom: "desc" },
    select: { id: true, bps: true, fixedFeeAtomic: true },
  });
  return version ? { templateId: template.id, versionId: version.id, bps: version.bps, fixedFeeAtomic: toAtomic(version.fixedFeeAtomic) } : null;
}
