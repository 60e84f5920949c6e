import { mkdirSync } from "node:fs";

import { PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

import type { DatabaseConfig } from "./config";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock";

import { processSingleton } from "../process-global";

// The one place that picks a driver (STYLE 2.6). How each adapter is built in these exact versions
// (read from their .d.ts / dist):
//
// - pglite-prisma-adapter 0.7.2: `new PrismaPGlite(pglite)` takes an already constructed PGlite
//   (`new PGlite()` = in memory, `new PGlite(dir)` = file-backed). Every `connect()` hands out an
//   adapter over that same instance and its `dispose()` does nothing, so whoever created the PGlite
//   must `close()` it (that shuts a file-backed one down cleanly and releases its directory's
//   lock). PGlite is a single connection: an interactive transaction holds it and other queries
//   queue behind it. A file-backed data directory may be opened by one process only (openPglite).
// - @prisma/adapter-pg 7.10.1: `new PrismaPg(poolOrConfigOrUrl, options)`. Given a config it creates
//   a new pg.Pool on every `connect()` and ends it on dispose; given a pool it uses that pool and
//   leaves it open unless `disposeExternalPool`. We pass our own pool so we control its timeouts
//   and can end it exactly once in `close()`.
//
// Neither factory's `connectToShadowDb()` is safe for migrations; server/db/schema-engine.ts
// builds its own shadow databases and never uses them.

export type AdapterHandle = {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Ends the pg pool or closes the PGlite instance this handle created (idempotent). */
  close(): Promise<void>;
} & ({ kind: "pglite"; pglite: PGlite } | { kind: "postgres"; pool: pg.Pool });

export type AdapterOptions = {
  /** Use this PGlite instead of opening one (tests load it from a template tarball). Not closed by `close()`. */
  pglite?: PGlite;
  /** Bounded so an unreachable server fails in seconds, not at the OS's TCP timeout. */
  connectionTimeoutMillis?: number;
  maxConnections?: number;
  /** Report the schema engine's catalog column of type "char" (OID 18) as text; see createPgPool. */
  charAsText?: boolean;
  /** Called for errors of idle pooled connections (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
};

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

export function createAdapterFactory(
  config: DatabaseConfig,
  options: AdapterOptions = {},
): AdapterHandle {
  if (config.kind === "pglite") {
    const pglite = options.pglite ?? openPglite(config.dataDir);
    const ownsPglite = options.pglite === undefined;
    // The nested @prisma/driver-adapter-utils 7.2.0 types of pglite-prisma-adapter are
    // structurally the same contract as 7.10.1's.
    const factory = new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
    return {
      kind: "pglite",
      pglite,
      factory,
      close: once(async () => {
        if (ownsPglite && !pglite.closed) await pglite.close();
      }),
    };
  }
  const pool = createPgPool(config.url, options);
  const factory = new PrismaPg(pool, { onPoolError: options.onPoolError });
  return { kind: "postgres", pool, factory, close: once(() => pool.end()) };
}

/**
 * A PGlite in memory (`null`) or in a data directory (created if missing). Every file-backed PGlite
 * of the project is opened here: it takes the directory's lock first (server/db/data-dir-lock.ts) and
 * throws DataDirLockedError, before PGlite touches a file, while another process has it open.
 * `close()` flushes the database and releases the lock. `loadDataDir` fills a new directory from a
 * `dumpDataDir` tarball (test templates).
 */
export function openPglite(dataDir: string | null, options: { loadDataDir?: Blob } = {}): PGlite {
  if (dataDir === null) return new PGlite(options);
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    return new FileBackedPGlite(dataDir, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

// Durability (read in PGlite 0.5.14's sources and measured by server/db/data-dir-lock.int.test.ts):
// NodeFS mounts Emscripten's NODEFS on the data directory, whose writes are plain `fs.writeSync`
// calls, and PostgreSQL writes the WAL at every commit, so a committed row is in the kernel before
// the query returns and survives a SIGKILL; `relaxedDurability` only defers the sync of the
// in-memory filesystems (IndexedDB, OPFS) and changes nothing here. Nothing is fsynced (PGlite starts
// PostgreSQL with -F, fsync=off, and NODEFS has no fsync): a power loss or kernel crash can lose
// the last commits. close() runs PostgreSQL's shutdown checkpoint; without it the next open replays
// the WAL.
class FileBackedPGlite extends PGlite {
  readonly #lock: DataDirLock;

  constructor(dataDir: string, options: { loadDataDir?: Blob }, lock: DataDirLock) {
    super(dataDir, options);
    this.#lock = lock;
    openFileBacked().add(this);
    // an instance that failed to start is never closed by its opener
    this.waitReady.catch(() => this.#release());
  }

  // PGlite answers through promises alone, with no I/O between queries: a loop of queries (a
  // migration, keys:rotate, a background job) never lets the event loop turn, so neither a signal
  // (Ctrl-C), nor a timer, nor an HTTP request would be handled until it ends. One turn per statement.
  override async query<T>(
    query: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<Results<T>> {
    await yieldToEventLoop();
    return super.query<T>(query, params, options);
  }

  override async exec(query: string, options?: QueryOptions): Promise<Results[]> {
    await yieldToEventLoop();
    return super.exec(query, options);
  }

  override async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    await yieldToEventLoop();
    return super.transaction(callback);
  }

  override async close(): Promise<void> {
    try {
      if (!this.closed) await super.close();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    openFileBacked().delete(this);
    this.#lock.release();
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function openFileBacked(): Set<PGlite> {
  return processSingleton("open-pglites", () => new Set<PGlite>());
}

/**
 * Closes every file-backed PGlite this process has open (a signal handler's last step: PostgreSQL
 * shuts down cleanly and the directories' locks are released). Waits for queries in progress.
 */
export async function closeFileBackedPglites(): Promise<void> {
  await Promise.allSettled([...openFileBacked()].map((pglite) => pglite.close()));
}

export function createPgPool(url: string, options: AdapterOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    max: options.maxConnections ?? 10,
    ...(options.charAsText ? { Client: CharAsTextClient } : {}),
  });
  // Without a listener, an idle connection's error (server restart) is an unhandled 'error' event
  // that kills the process; pg already drops that connection and the next query opens a new one.
  pool.on("error", (error) => options.onPoolError?.(error));
  return pool;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type FieldsResult = { fields?: { dataTypeID: number }[] };

function relabelCharFields<T>(result: T): T {
  for (const item of Array.isArray(result)
    ? (result as FieldsResult[])
    : [result as FieldsResult]) {
    for (const field of item?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

// @prisma/adapter-pg 7.10 throws "Unsupported column type char" for PostgreSQL's internal "char"
// type (OID 18), which the schema engine's catalog queries return (pg_constraint.contype, …). Its
// values arrive as one-character strings, so reporting the column as text is exact. Done at the
// pg.Client level because the adapter reads `dataTypeID` right after `query()` resolves, both on
// the pool and on transaction connections (pg.Pool calls `client.query` with a callback).
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as (error: Error | null, result: unknown) => void;
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        callback(error, error ? result : relabelCharFields(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out instanceof Promise) return out.then(relabelCharFields) as never;
    return out as never;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}
