import type { PrismaClient } from "@/server/db/client";
import { parseServerEnv } from "@/server/env";
import { payoutAddressColumns } from "@/server/merchants/merchants";

const MERCHANTS = 50;

/** 50 merchants, 200 rules, `rows` usage records over 90 days and their ledger entries, generated in SQL. */
export async function seedStats(db: PrismaClient, rows: number): Promise<void> {
  // 50 merchants with 4 rules each; usage spread over 90 days: 30 % paid, 40 % free, 20 % refused
  // (mostly 402 challenges), 10 % failed upstream; 5,000 distinct payers; a CHARGE and a PLATFORM_FEE
  // ledger entry per paid call.
  // one sealed payout address (under the dev key) shared by every merchant: the queries measured never open it
  const payout = payoutAddressColumns(
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    parseServerEnv({}),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Merchant" ("id", "name", "status", "upstreamBaseUrl", "payoutAddressCiphertext", "payoutAddressKeyId", "payoutAddressHash", "updatedAt")
     SELECT 'mer_' || lpad(i::text, 20, '0'), 'Merchant ' || i, 'ACTIVE', 'https://api.example.com', $1, $2, $3, now()
       FROM generate_series(1, ${MERCHANTS}) i`,
    payout.payoutAddressCiphertext,
    payout.payoutAddressKeyId,
    payout.payoutAddressHash,
  );
  await db.$executeRawUnsafe(`
    INSERT INTO "PricingRule" ("id", "merchantId", "pathPattern", "priceAtomic", "network", "asset", "updatedAt")
    SELECT 'rule_' || lpad((m * 10 + r)::text, 20, '0'), 'mer_' || lpad(m::text, 20, '0'), '/api/v' || r || '/*', 10000, 'eip155:31337', '0x5fbdb2315678afecb367f032d93f642f64180aa3', now()
      FROM generate_series(1, ${MERCHANTS}) m, generate_series(1, 4) r`);
  await db.$executeRawUnsafe(`
    INSERT INTO "UsageRecord" ("id", "merchantId", "ruleId", "requestId", "status", "reason", "method", "path", "httpStatus", "latencyMs", "upstreamLatencyMs", "payer", "amountAtomic", "asset", "network", "createdAt")
    SELECT 'use_' || lpad(i::text, 20, '0'),
           'mer_' || lpad((1 + i % ${MERCHANTS})::text, 20, '0'),
           CASE WHEN s < 0.9 THEN 'rule_' || lpad(((1 + i % ${MERCHANTS}) * 10 + 1 + (i / ${MERCHANTS}) % 4)::text, 20, '0') END,
           'req_' || lpad(i::text, 20, '0'),
           (CASE WHEN s < 0.3 THEN 'CHARGED' WHEN s < 0.7 THEN 'FREE' WHEN s < 0.9 THEN 'REJECTED' ELSE 'FAILED' END)::"UsageStatus",
           CASE WHEN s >= 0.7 AND s < 0.87 THEN 'payment_required' WHEN s >= 0.87 AND s < 0.9 THEN 'invalid_exact_evm_signature' WHEN s >= 0.9 THEN 'upstream_error' END,
           'GET', '/api/v1/x', 200, 5, 20,
           CASE WHEN s < 0.3 THEN '0x' || lpad(to_hex(i % 5000), 40, '0') END,
           CASE WHEN s < 0.3 THEN 10000 END,
           '0x5fbdb2315678afecb367f032d93f642f64180aa3', 'eip155:31337',
           now() - (i::float8 / ${rows}) * interval '90 days'
      FROM (SELECT i, ((i::bigint * 7919) % 1000)::float8 / 1000 AS s FROM generate_series(1, ${rows}) i) g`);
  await db.$executeRawUnsafe(`
    INSERT INTO "LedgerEntry" ("id", "merchantId", "type", "amountAtomic", "network", "asset", "createdAt")
    SELECT 'led_c' || substr("id", 5), "merchantId", 'CHARGE'::"LedgerEntryType", "amountAtomic", "network", "asset", "createdAt" FROM "UsageRecord" WHERE "status" = 'CHARGED'
    UNION ALL
    SELECT 'led_f' || substr("id", 5), "merchantId", 'PLATFORM_FEE'::"LedgerEntryType", -("amountAtomic" * 250 / 10000), "network", "asset", "createdAt" FROM "UsageRecord" WHERE "status" = 'CHARGED'`);
  await db.$executeRawUnsafe(`VACUUM ANALYZE`);
}
