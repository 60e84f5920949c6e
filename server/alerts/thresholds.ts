import type { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { Db, Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";

import {
  DEFAULT_ALERT_THRESHOLDS,
  merchantAlertThresholdsSchema,
  platformAlertThresholdsSchema,
  type MerchantAlertThresholds,
  type PlatformAlertThresholds,
  type updateMerchantThresholdsInput,
  type updatePlatformThresholdsInput,
} from "./schemas";

// Where thresholds live: the platform's in PlatformSetting "alerts.thresholds" (over the built-in
// defaults), a merchant's own in AlertSettings. Stored values are parsed field by field, so a value
// a later version no longer accepts falls back to the default instead of breaking evaluation.

export const PLATFORM_THRESHOLDS_KEY = "alerts.thresholds";

function validFields<T extends Record<string, unknown>>(
  schema: z.ZodObject,
  value: unknown,
): Partial<T> {
  if (!value || typeof value !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = (field as z.ZodType).safeParse((value as Record<string, unknown>)[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Partial<T>;
}

export async function getPlatformThresholds(deps: { db: Db }): Promise<PlatformAlertThresholds> {
  const row = await deps.db.platformSetting.findUnique({ where: { key: PLATFORM_THRESHOLDS_KEY } });
  return {
    ...DEFAULT_ALERT_THRESHOLDS,
    ...validFields<PlatformAlertThresholds>(platformAlertThresholdsSchema, row?.value),
  };
}

/** Each merchant's own thresholds (only the fields it set), for the given merchants. */
export async function findMerchantThresholds(
  deps: { db: Db },
  merchantIds: string[],
): Promise<Map<string, Partial<MerchantAlertThresholds>>> {
  if (merchantIds.length === 0) return new Map();
  const rows = await deps.db.alertSettings.findMany({ where: { merchantId: { in: merchantIds } } });
  return new Map(
    rows.map((r) => [
      r.merchantId,
      validFields<MerchantAlertThresholds>(merchantAlertThresholdsSchema, r.thresholds),
    ]),
  );
}

export async function updatePlatformThresholds(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; input: z.infer<typeof updatePlatformThresholdsInput> },
): Promise<PlatformAlertThresholds> {
  return deps.db.$transaction(async (tx) => {
    const before = await getPlatformThresholds({ db: tx });
    const after = { ...before, ...opts.input };
    await tx.platformSetting.upsert({
      where: { key: PLATFORM_THRESHOLDS_KEY },
      create: { key: PLATFORM_THRESHOLDS_KEY, value: after as Prisma.InputJsonValue },
      update: { value: after as Prisma.InputJsonValue },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "alerts.thresholds.update",
      targetType: "platform_setting",
      targetId: PLATFORM_THRESHOLDS_KEY,
      before,
      after,
    });
    return after;
  });
}

export type MerchantThresholdsView = {
  platform: PlatformAlertThresholds;
  own: Partial<MerchantAlertThresholds>;
  effective: MerchantAlertThresholds;
};

export async function getMerchantThresholds(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<MerchantThresholdsView> {
  const [platform, own] = await Promise.all([
    getPlatformThresholds(deps),
    findMerchantThresholds(deps, [opts.merchantId]),
  ]);
  const mine = own.get(opts.merchantId) ?? {};
  return { platform, own: mine, effective: { ...merchantPart(platform), ...mine } };
}

export function merchantPart(platform: PlatformAlertThresholds): MerchantAlertThresholds {
  const {
    rpcFailureRate: _rate,
    rpcMinCalls: _calls,
    windowMinutes: _window,
    ...merchant
  } = platform;
  return merchant;
}

export async function updateMerchantThresholds(
  deps: Pick<Deps, "db">,
  opts: {
    merchantId: string;
    actor: AuditActor;
    input: z.infer<typeof updateMerchantThresholdsInput>;
  },
): Promise<MerchantThresholdsView> {
  await deps.db.$transaction(async (tx) => {
    const current =
      (await findMerchantThresholds({ db: tx }, [opts.merchantId])).get(opts.merchantId) ?? {};
    const next: Record<string, number> = { ...current };
    for (const [key, value] of Object.entries(opts.input)) {
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    await tx.alertSettings.upsert({
      where: { merchantId: opts.merchantId },
      create: { merchantId: opts.merchantId, thresholds: next },
      update: { thresholds: next },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "alerts.thresholds.update",
      targetType: "alert_settings",
      targetId: opts.merchantId,
      before: current,
      after: next,
    });
  });
  return getMerchantThresholds(deps, opts);
}
