import type { PGlite } from "@electric-sql/pglite";
import type { ITXClientDenyList } from "@prisma/client/runtime/client";

import { getEnv } from "@/server/env";
import { processSlot } from "@/server/process-global";

import { createAdapterFactory, DEFAULT_CONNECTION_TIMEOUT_MS } from "./adapter";
import { describePostgresTarget, parseDatabaseUrl, type DatabaseConfig } from "./config";
import { PrismaClient as GeneratedPrismaClient } from "./generated/client";

// Secret columns are never selected unless a query opts in with `omit: { passwordHash: false }`
// (dub's pattern), so a stray `findMany` can't leak them into a response or a log line.
// The other sealed columns (…Ciphertext) are useless without the key ring (server/crypto/secrets.ts).
const GLOBAL_OMIT = {
  user: { passwordHash: true },
  apiKey: { keyHash: true },
  webhookEndpoint: { secretCiphertext: true },
} as const;

// Prisma's defaults are 2 s / 5 s. PGlite is one connection, so an interactive transaction may wait
// behind another one; the timeout still bounds how long a transaction may hold rows (no fetch
// inside transactions, STYLE 2.6).
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 } as const;

/** The app's client type: the generated client with the global `omit` applied to results. */
export type PrismaClient = GeneratedPrismaClient<never, typeof GLOBAL_OMIT>;
/** What `db.$transaction(async (tx) => …)` hands to the callback. */
export type TransactionClient = Omit<PrismaClient, ITXClientDenyList>;

export type DatabaseHandle = {
  db: PrismaClient;
  config: DatabaseConfig;
  /** the PostgreSQL pool's use (null for the embedded PGlite, which has no pool) */
  poolUse(): { total: number; idle: number; waiting: number; max: number } | null;
  close(): Promise<void>;
};

const configs = new WeakMap<object, DatabaseConfig>();

export function createPrismaClient(
  config: DatabaseConfig,
  options: { pglite?: PGlite; maxConnections?: number } = {},
): DatabaseHandle {
  const adapter = createAdapterFactory(config, {
    pglite: options.pglite,
    maxConnections: options.maxConnections,
  });
  const db = new GeneratedPrismaClient({
    adapter: adapter.factory,
    omit: GLOBAL_OMIT,
    transactionOptions: TRANSACTION_OPTIONS,
  });
  configs.set(db, config);
  let closing: Promise<void> | undefined;
  const pool = adapter.kind === "postgres" ? adapter.pool : null;
  return {
    db,
    config,
    poolUse: () =>
      pool
        ? {
            total: pool.totalCount,
            idle: pool.idleCount,
            waiting: pool.waitingCount,
            max: pool.options.max ?? 10,
          }
        : null,
    close: () =>
      (closing ??= (async () => {
        try {
          await db.$disconnect();
        } finally {
          await adapter.close();
        }
      })()),
  };
}

/**
 * Proves the database answers (`SELECT 1`) within `timeoutMs`; used at startup and by readiness
 * checks. A PostgreSQL failure becomes "cannot reach PostgreSQL at host:port (DATABASE_URL): …"
 * without credentials, because the driver's own errors either leak the URL or say nothing useful.
 */
export async function checkDatabaseConnection(
  db: PrismaClient,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRawUnsafe("SELECT 1"), timeout]);
  } catch (error) {
    throw describeConnectionFailure(error, configs.get(db));
  } finally {
    clearTimeout(timer);
  }
}

function describeConnectionFailure(error: unknown, config: DatabaseConfig | undefined): Error {
  const reason = error instanceof Error ? driverReason(error.message) : String(error);
  if (config?.kind === "postgres") {
    return new Error(
      `cannot reach PostgreSQL at ${describePostgresTarget(config.url)} (DATABASE_URL): ${redactUrls(reason)}`,
      { cause: error },
    );
  }
  const where = config?.kind === "pglite" ? (config.dataDir ?? "memory") : "unknown";
  return new Error(`cannot open the embedded PGlite database (${where}): ${reason}`, {
    cause: error,
  });
}

function driverReason(message: string): string {
  // Prisma wraps driver errors as "Raw query failed. Code: `…`. Message: `<the driver's message>`".
  const driverMessage = /Message: `([^`]*)`/.exec(message)?.[1];
  if (driverMessage) return driverMessage;
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? message;
}

function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, "$1***@");
}

// ───────────────────────────── process-wide singleton ─────────────────────────────

// One per process in every environment, not only in development (server/process-global.ts): Next's
// dev server re-imports modules on hot reload and its production server may load this module in
// several bundles, and a second handle would open the file-backed PGlite twice (which corrupts it)
// or a second pool.
const dbSlot = processSlot<DatabaseHandle>("database");

/** The database configured by DATABASE_URL / DATA_DIR, opened on first use (never at import). */
export function getDb(): PrismaClient {
  return getDbHandle().db;
}

export function getDbHandle(): DatabaseHandle {
  let handle = dbSlot.get();
  if (!handle) {
    const env = getEnv();
    handle = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR), {
      maxConnections: env.DATABASE_POOL_MAX,
    });
    dbSlot.set(handle);
  }
  return handle;
}

/** Closes the singleton (graceful shutdown, end of a script); the next `getDb()` opens a new one. */
export async function closeDb(): Promise<void> {
  const handle = dbSlot.get();
  dbSlot.set(undefined);
  await handle?.close();
}
