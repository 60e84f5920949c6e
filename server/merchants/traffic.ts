import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";
import { getRateLimitCaps } from "@/server/platform/rate-limit-caps";
import { RATE_LIMIT_KEYS, type RateLimits } from "@/server/platform/schemas";

import type { TrafficSettings } from "./schemas";
import { vmsg } from "@/server/i18n/validation-keys";

// A merchant's gateway traffic settings (issue #20): unpriced methods on priced paths, and rate
// limits in two lanes (unpaid / paying). The platform caps each limit (server/platform).

const SELECT = {
  unmatchedMethods: true,
  rateLimitPerMinute: true,
  clientRateLimitPerMinute: true,
  paidRateLimitPerMinute: true,
  payerRateLimitPerMinute: true,
} as const;

type Row = {
  unmatchedMethods: TrafficSettings["unmatchedMethods"];
  rateLimitPerMinute: number;
  clientRateLimitPerMinute: number;
  paidRateLimitPerMinute: number;
  payerRateLimitPerMinute: number;
};

/** The merchant's limits as columns → as the settings' shape (also used by the gateway's snapshot). */
export function rateLimitsOf(row: Omit<Row, "unmatchedMethods">): RateLimits {
  return {
    unpaidPerMerchant: row.rateLimitPerMinute,
    unpaidPerClient: row.clientRateLimitPerMinute,
    paidPerMerchant: row.paidRateLimitPerMinute,
    paidPerPayer: row.payerRateLimitPerMinute,
  };
}

function toSettings(row: Row): TrafficSettings {
  return { unmatchedMethods: row.unmatchedMethods, rateLimits: rateLimitsOf(row) };
}

export async function getTrafficSettings(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<TrafficSettings & { caps: RateLimits }> {
  const [row, caps] = await Promise.all([
    deps.db.merchant.findUniqueOrThrow({ where: { id: opts.merchantId }, select: SELECT }),
    getRateLimitCaps(deps),
  ]);
  return { ...toSettings(row), caps };
}

export async function updateTrafficSettings(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; actor: AuditActor; input: TrafficSettings },
): Promise<TrafficSettings & { caps: RateLimits }> {
  const caps = await getRateLimitCaps(deps);
  const over = RATE_LIMIT_KEYS.filter((k) => opts.input.rateLimits[k] > caps[k]);
  if (over.length > 0) {
    const fieldErrors = Object.fromEntries(
      over.map((k) => [`rateLimits.${k}`, [vmsg("platform.aboveCap", { cap: caps[k] })]]),
    );
    throw new AppError("invalid_request", `Above the platform's limit: ${over.join(", ")}`, {
      details: { fieldErrors },
    });
  }
  const { rateLimits } = opts.input;
  const after = await deps.db.$transaction(async (tx) => {
    const before = await tx.merchant.findUniqueOrThrow({
      where: { id: opts.merchantId },
      select: SELECT,
    });
    const updated = await tx.merchant.update({
      where: { id: opts.merchantId },
      data: {
        unmatchedMethods: opts.input.unmatchedMethods,
        rateLimitPerMinute: rateLimits.unpaidPerMerchant,
        clientRateLimitPerMinute: rateLimits.unpaidPerClient,
        paidRateLimitPerMinute: rateLimits.paidPerMerchant,
        payerRateLimitPerMinute: rateLimits.paidPerPayer,
      },
      select: SELECT,
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "merchant.traffic.update",
      targetType: "merchant",
      targetId: opts.merchantId,
      before: toSettings(before),
      after: toSettings(updated),
    });
    return updated;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return { ...toSettings(after), caps };
}
