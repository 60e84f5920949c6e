import type { TtlCache } from "@/server/cache/ttl-cache";
import type { ChainClientRegistry } from "@/server/chain/clients";
import type { PrismaClient } from "@/server/db";
import type { ServerEnv } from "@/server/env";
import type { Facilitators } from "@/server/facilitator";
import type { NetworkRegistry } from "@/server/networks/config";
import type { AccessLog, Log } from "@/server/observability/logger";
import type { Metrics } from "@/server/observability/metrics";
import type { UsageWriter } from "@/server/payments/usage-writer";
import type { RateLimiter } from "@/server/rate-limit/limiter";
import type { ReceiptKeyHolder } from "@/server/receipts/key-holder";
import type { BlocklistCache } from "@/server/risk/blocklist-cache";

import type { MerchantSnapshot } from "./merchant-snapshot";

/** What the gateway's request path reads; the runtime (server/runtime.ts) builds it once per process. */
export type GatewayDeps = {
  db: PrismaClient;
  env: Pick<
    ServerEnv,
    | "APP_URL"
    | "GATEWAY_URL"
    | "ALLOW_PRIVATE_UPSTREAMS"
    | "PLATFORM_PAYOUT_ADDRESS"
    | "ENCRYPTION_KEY"
    | "ENCRYPTION_KEYS_PREVIOUS"
  >;
  log: Log;
  /** the one-line-per-request logger (fixed, secret-free fields; see accessLogger) */
  accessLog: AccessLog;
  /** counters and histograms only: recording costs no I/O (server/observability/metrics.ts) */
  metrics: Metrics;
  now: () => Date;
  networks: NetworkRegistry;
  merchants: TtlCache<MerchantSnapshot | null>;
  facilitators: Facilitators;
  /** chain clients, to verify sign-in proofs from contract wallets */
  chains: ChainClientRegistry;
  rateLimiter: RateLimiter;
  usage: UsageWriter;
  maxBodyBytes: number;
  /** the platform's blocklist of payers and client IPs, in memory (server/risk/blocklist-cache.ts) */
  blocklist: Pick<BlocklistCache, "check">;
  /** the platform's `offer-receipt` signing key, held in memory (server/receipts/key-holder.ts) */
  receipts: ReceiptKeyHolder;
  /** payers' token balances ("network|asset|payer" → atomic units), read through a short cache for DEFERRED */
  payerBalances: TtlCache<bigint | null>;
  /** test-only fault injection: runs between a successful settlement and its record */
  afterSettleHook?: (paymentId: string) => Promise<void>;
};
