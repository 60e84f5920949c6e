import { onMerchantConfigChanged } from "@/server/cache/invalidation";
import { createTtlCache, type TtlCache } from "@/server/cache/ttl-cache";
import type { Merchant, PrismaClient } from "@/server/db";
import { toAtomic } from "@/server/db/money";
import { loadSigningSecrets } from "@/server/merchants/signing-secrets";
import { loadInjectedCredentials, type InjectedCredential } from "@/server/merchants/upstream-credentials";
import { compileRules, type CompiledRule } from "@/server/pricing/rules";

// What the gateway needs to know about a merchant on every request, loaded in one query and kept
// in memory: invalidated at once when this instance changes it, and expiring after a short TTL so
// changes made through other instances arrive too.

export type MerchantSnapshot = Pick<
  Merchant,
  "id" | "name" | "status" | "upstreamBaseUrl" | "payoutAddress" | "settlementMode" | "facilitator" | "upstreamTimeoutMs" | "chargeOnUpstreamError" | "rateLimitPerMinute" | "deferredSettlementOn"
> & {
  maxUnsettledPerPayer: bigint | null;
  rules: CompiledRule[];
  /** signing secrets, decrypted once per load (newest first); each request keeps those not yet expired */
  signingSecrets: { secret: string; expiresAt: Date | null }[];
  /** injected upstream credentials, decrypted once per load */
  credentials: InjectedCredential[];
};

export async function loadMerchantSnapshot(db: PrismaClient, merchantId: string, encryptionKey: string): Promise<MerchantSnapshot | null> {
  const merchant = await db.merchant.findUnique({
    where: { id: merchantId },
    select: {
      id: true,
      name: true,
      status: true,
      upstreamBaseUrl: true,
      payoutAddress: true,
      settlementMode: true,
      facilitator: true,
      upstreamTimeoutMs: true,
      chargeOnUpstreamError: true,
      rateLimitPerMinute: true,
      deferredSettlementOn: true,
      maxUnsettledPerPayer: true,
      pricingRules: { where: { active: true } },
    },
  });
  if (!merchant) return null;
  const { pricingRules, maxUnsettledPerPayer, ...rest } = merchant;
  const [signingSecrets, credentials] = await Promise.all([
    loadSigningSecrets({ db, env: { ENCRYPTION_KEY: encryptionKey }, now: () => new Date() }, { merchantId }),
    loadInjectedCredentials(db, encryptionKey, merchantId),
  ]);
  return {
    ...rest,
    maxUnsettledPerPayer: maxUnsettledPerPayer === null ? null : toAtomic(maxUnsettledPerPayer),
    rules: compileRules(pricingRules),
    signingSecrets,
    credentials,
  };
}

export const MERCHANT_SNAPSHOT_TTL_MS = 5_000;

export function createMerchantSnapshotCache(db: PrismaClient, encryptionKey: string, ttlMs = MERCHANT_SNAPSHOT_TTL_MS): TtlCache<MerchantSnapshot | null> & { dispose: () => void } {
  const cache = createTtlCache({ ttlMs, load: (merchantId) => loadMerchantSnapshot(db, merchantId, encryptionKey) });
  const dispose = onMerchantConfigChanged((merchantId) => cache.invalidate(merchantId));
  return { ...cache, dispose };
}
