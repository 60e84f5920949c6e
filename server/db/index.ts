// The database module's public surface. Nothing outside server/db/ imports the generated client or
// @prisma/client directly (STYLE 2.6), so swapping drivers or generator output stays local.

import type { Prisma } from "./generated/client";
import type { PrismaClient, TransactionClient } from "./client";

export { checkDatabaseConnection, closeDb, getDb } from "./client";
export type { PrismaClient, TransactionClient } from "./client";
export { parseDatabaseUrl, type DatabaseConfig } from "./config";
export { fromAtomic, toAtomic } from "./money";
export { Prisma } from "./generated/client";
export * from "./generated/enums";
export type {
  Adjustment,
  Alert,
  ApiKey,
  AuditLog,
  Entitlement,
  FeeTemplate,
  FeeTemplateVersion,
  LedgerEntry,
  Membership,
  Merchant,
  MerchantInvitation,
  Payment,
  Payout,
  PlatformSetting,
  PricingRule,
  PricingRuleOption,
  SettlementRun,
  SiwxNonce,
  UsageRecord,
  User,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from "./generated/client";

/**
 * What domain functions take, so callers can pass the client or a transaction.
 * `Prisma.TransactionClient` is in the union because Prisma types the `$transaction` callback's
 * client without the global `omit` (the omitted columns are still omitted at run time).
 */
export type Db = PrismaClient | TransactionClient | Prisma.TransactionClient;
