import { onMerchantConfigChanged } from "@/server/cache/invalidation";
import { createTtlCache, type TtlCache } from "@/server/cache/ttl-cache";
import type { EncryptionKeys } from "@/server/crypto/secrets";
import type { Merchant, PrismaClient } from "@/server/db";
import { toAtomic } from "@/server/db/money";
import { openPayoutAddress } from "@/server/merchants/merchants";
import { loadSigningSecrets } from "@/server/merchants/signing-secrets";
import {
  loadInjectedCredentials,
  type InjectedCredential,
} from "@/server/merchants/upstream-credentials";
import { rateLimitsOf } from "@/server/merchants/traffic";
import { getRateLimitCaps } from "@/server/platform/rate-limit-caps";
import { effectiveRateLimits, type RateLimits } from "@/server/platform/schemas";
import { compileRules, WITH_PAYMENT_OPTIONS, type CompiledRule } from "@/server/pricing/rules";

// What the gateway needs to know about a merchant on every request, loaded in one query and kept
// in memory: invalidated at once when this instance changes it, and expiring after a short TTL so
// changes made through other instances arrive too.

export type MerchantSnapshot = Pick<
  Merchant,
  | "id"
  | "name"
  | "status"
  | "upstreamBaseUrl"
  | "settlementMode"
  | "facilitator"
  | "upstreamTimeoutMs"
  | "chargeOnUpstreamError"
  | "deferredSettlementOn"
  | "unmatchedMethods"
  | "discoverable"
> & {
  /** the merchant's wallet (lower-case), opened from its sealed column once per load */
  payoutAddress: string;
  maxUnsettledPerPayer: bigint | null;
  rules: CompiledRule[];
  /** the merchant's rate limits, each lowered to the platform's cap */
  limits: RateLimits;
  /** signing secrets, decrypted once per load (newest first); each request keeps those not yet expired */
  signingSecrets: { secret: string; expiresAt: Date | null }[];
  /** injected upstream credentials, decrypted once per load */
  credentials: InjectedCredential[];
};

export async function loadMerchantSnapshot(
  db: PrismaClient,
  merchantId: string,
  keys: EncryptionKeys,
): Promise<MerchantSnapshot | null> {
  const merchant = await db.merchant.findUnique({
    where: { id: merchantId },
    select: {
      id: true,
      name: true,
      status: true,
      upstreamBaseUrl: true,
      payoutAddressCiphertext: true,
      payoutAddressKeyId: true,
      settlementMode: true,
      facilitator: true,
      upstreamTimeoutMs: true,
      chargeOnUpstreamError: true,
      rateLimitPerMinute: true,
      clientRateLimitPerMinute: true,
      paidRateLimitPerMinute: true,
      payerRateLimitPerMinute: true,
      unmatchedMethods: true,
      discoverable: true,
      deferredSettlementOn: true,
      maxUnsettledPerPayer: true,
      pricingRules: { where: { active: true }, include: WITH_PAYMENT_OPTIONS },
    },
  });
  if (!merchant) return null;
  const {
    pricingRules,
    maxUnsettledPerPayer,
    payoutAddressCiphertext,
    payoutAddressKeyId,
    rateLimitPerMinute,
    clientRateLimitPerMinute,
    paidRateLimitPerMinute,
    payerRateLimitPerMinute,
    ...rest
  } = merchant;
  const [signingSecrets, credentials, caps] = await Promise.all([
    loadSigningSecrets({ db, env: keys, now: () => new Date() }, { merchantId }),
    loadInjectedCredentials(db, keys, merchantId),
    getRateLimitCaps({ db }),
  ]);
  return {
    ...rest,
    payoutAddress: openPayoutAddress({ payoutAddressCiphertext, payoutAddressKeyId }, keys),
    maxUnsettledPerPayer: maxUnsettledPerPayer === null ? null : toAtomic(maxUnsettledPerPayer),
    rules: compileRules(pricingRules),
    limits: effectiveRateLimits(
      rateLimitsOf({
        rateLimitPerMinute,
        clientRateLimitPerMinute,
        paidRateLimitPerMinute,
        payerRateLimitPerMinute,
      }),
      caps,
    ),
    signingSecrets,
    credentials,
  };
}

export const MERCHANT_SNAPSHOT_TTL_MS = 5_000;

export function createMerchantSnapshotCache(
  db: PrismaClient,
  keys: EncryptionKeys,
  ttlMs = MERCHANT_SNAPSHOT_TTL_MS,
): TtlCache<MerchantSnapshot | null> & { dispose: () => void } {
  const cache = createTtlCache({
    ttlMs,
    load: (merchantId) => loadMerchantSnapshot(db, merchantId, keys),
  });
  const dispose = onMerchantConfigChanged((merchantId) => cache.invalidate(merchantId));
  return { ...cache, dispose };
}
