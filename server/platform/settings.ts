import { z } from "zod";

import type { Deps } from "@/server/deps";

// Platform-wide settings live in PlatformSetting rows; the environment supplies the defaults.

const MERCHANTS_REQUIRE_REVIEW = "merchants.requireReview";

/** Whether new merchants start PENDING_REVIEW (true) or ACTIVE (false). */
export async function getMerchantsRequireReview(deps: Pick<Deps, "db" | "env">): Promise<boolean> {
  const row = await deps.db.platformSetting.findUnique({ where: { key: MERCHANTS_REQUIRE_REVIEW } });
  const parsed = z.boolean().safeParse(row?.value);
  return parsed.success ? parsed.data : !deps.env.AUTO_APPROVE_MERCHANTS;
}

export async function setMerchantsRequireReview(deps: Pick<Deps, "db">, value: boolean): Promise<void> {
  await deps.db.platformSetting.upsert({
    where: { key: MERCHANTS_REQUIRE_REVIEW },
    create: { key: MERCHANTS_REQUIRE_REVIEW, value },
    update: { value },
  });
}
