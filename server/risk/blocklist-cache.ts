import { onMerchantConfigChanged } from "@/server/cache/invalidation";
import { createTtlCache } from "@/server/cache/ttl-cache";
import type { PrismaClient } from "@/server/db";

import { compileBlocklist, findBlock, type BlockMatch, type Blocklist } from "./block-values";
import { BLOCKLIST_CHANGED, loadActiveBlocks } from "./blocks";

// The gateway's copy of the blocklist: the whole active list (it is short) in memory, loaded once
// per TTL and dropped at once when a block changes. The change rides the merchant-config bus under
// a key no merchant id can take (server/cache/invalidation.ts), so other instances hear it over
// Redis like a merchant change; without a bus they converge within the TTL. A lapsed block stops
// applying at its expiry without a reload: the check compares each entry's expiry with the clock.

export const BLOCKLIST_TTL_MS = 5_000;

export type BlocklistCache = {
  /** the block refusing this request, or null (a cached Map lookup; loads the list when stale) */
  check(request: {
    clientIp: string | null;
    payer: string | null;
    now: Date;
  }): Promise<BlockMatch | null>;
  dispose(): void;
};

export function createBlocklistCache(
  deps: { db: PrismaClient; now: () => Date },
  ttlMs = BLOCKLIST_TTL_MS,
): BlocklistCache {
  const cache = createTtlCache<Blocklist>({
    ttlMs,
    maxEntries: 1,
    load: async () => compileBlocklist(await loadActiveBlocks(deps.db, deps.now())),
  });
  const dispose = onMerchantConfigChanged((key) => {
    if (key === BLOCKLIST_CHANGED) cache.invalidate(BLOCKLIST_CHANGED);
  });
  return {
    async check(request) {
      return findBlock(await cache.get(BLOCKLIST_CHANGED), request);
    },
    dispose,
  };
}
