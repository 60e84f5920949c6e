import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { Db } from "@/server/db";
import type { Deps } from "@/server/deps";

import { DEFAULT_RATE_LIMIT_CAPS, rateLimitsSchema, type RateLimits } from "./schemas";

// The platform's ceiling on every merchant's gateway rate limits (admin console). Merchants set
// their own limits up to these; the gateway applies the lower of the two, so lowering a cap takes
// effect for every merchant within the merchant cache's TTL, without touching their settings.

const RATE_LIMIT_CAPS = "gateway.rateLimitCaps";

export async function getRateLimitCaps(deps: { db: Db }): Promise<RateLimits> {
  const row = await deps.db.platformSetting.findUnique({ where: { key: RATE_LIMIT_CAPS } });
  const parsed = rateLimitsSchema.partial().safeParse(row?.value);
  return { ...DEFAULT_RATE_LIMIT_CAPS, ...(parsed.success ? parsed.data : {}) };
}

/** The admin console's form: replaces the caps and audits the change in one transaction. */
export async function changeRateLimitCaps(
  deps: Pick<Deps, "db">,
  opts: { actor: AuditActor; value: RateLimits },
): Promise<RateLimits> {
  const value = rateLimitsSchema.parse(opts.value);
  await deps.db.$transaction(async (tx) => {
    const before = await getRateLimitCaps({ db: tx });
    await tx.platformSetting.upsert({
      where: { key: RATE_LIMIT_CAPS },
      create: { key: RATE_LIMIT_CAPS, value },
      update: { value },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.rate_limit_caps.update",
      targetType: "platform_setting",
      targetId: RATE_LIMIT_CAPS,
      before,
      after: value,
    });
  });
  return value;
}
