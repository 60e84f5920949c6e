import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { Db } from "@/server/db";
import type { Deps } from "@/server/deps";

// Platform-wide settings live in PlatformSetting rows; the environment supplies the defaults.

const MERCHANTS_REQUIRE_REVIEW = "merchants.requireReview";

/** Whether new merchants start PENDING_REVIEW (true) or ACTIVE (false). */
export async function getMerchantsRequireReview(deps: Pick<Deps, "db" | "env">): Promise<boolean> {
  const row = await deps.db.platformSetting.findUnique({
    where: { key: MERCHANTS_REQUIRE_REVIEW },
  });
  const parsed = z.boolean().safeParse(row?.value);
  return parsed.success ? parsed.data : !deps.env.AUTO_APPROVE_MERCHANTS;
}

export async function setMerchantsRequireReview(deps: { db: Db }, value: boolean): Promise<void> {
  await deps.db.platformSetting.upsert({
    where: { key: MERCHANTS_REQUIRE_REVIEW },
    create: { key: MERCHANTS_REQUIRE_REVIEW, value },
    update: { value },
  });
}

/** The admin console's switch: changes the setting and audits it in one transaction. */
export async function changeMerchantsRequireReview(
  deps: Pick<Deps, "db" | "env">,
  opts: { actor: AuditActor; value: boolean },
): Promise<{ requireReview: boolean }> {
  const before = await getMerchantsRequireReview(deps);
  await deps.db.$transaction(async (tx) => {
    await setMerchantsRequireReview({ db: tx }, opts.value);
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.merchants_require_review.update",
      targetType: "platform_setting",
      targetId: MERCHANTS_REQUIRE_REVIEW,
      before: { requireReview: before },
      after: { requireReview: opts.value },
    });
  });
  return { requireReview: opts.value };
}
