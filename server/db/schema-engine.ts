import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import type pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

import { createPgPool, openPglite } from "./adapter";
import { type DatabaseConfig } from "./config";

// Our migration runner: Prisma's schema engine compiled to wasm, driven through driver adapters,
// because the CLI's native engine cannot be downloaded here (shared/NOTES.md, "Migrations through
// the wasm schema engine"). Used by prisma/migrate.ts, the test helpers and the e2e setup; never by
// the Next server (keep it out of request paths: loading the wasm costs seconds).

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DEFAULT_SCHEMA_PATH = path.join(ROOT, "prisma", "schema.prisma");
export const DEFAULT_MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");

const LOCKFILE_NAME = "migration_lock.toml";
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export type SchemaEngineOptions = {
  schemaPath?: string;
  migrationsDir?: string;
  /** Receives the engine's JSON log lines (tracing output); ignored by default. */
  onLog?: (line: string) => void;
};

/** A database to migrate: a configuration, or a PGlite the caller opened (and will close). */
export type MigrationTarget = DatabaseConfig | PGlite;

// ───────────────────────────── loading the wasm (once per process) ─────────────────────────────

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

let engineModule: Promise<SchemaEngineModule> | undefined;

/** Compiles and starts the wasm module on first call (~4 s); later calls reuse it. */
export function loadSchemaEngine(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    // The package targets bundlers (`import * as wasm from "./x.wasm"`), so we do the bundler's
    // part: instantiate the .wasm with the JS glue as its import object, then start it.
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  engineModule.catch(() => {
    engineModule = undefined;
  });
  return engineModule;
}

// ───────────────────────────── public API ─────────────────────────────

/** Applies the committed migrations that the database lacks; returns their names (idempotent). */
export async function applyMigrations(
  target: MigrationTarget,
  options: SchemaEngineOptions = {},
): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  return withEngine(target, options, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrationList(migrationsDir),
      filters: NO_FILTER,
    });
    return appliedMigrationNames;
  });
}

export type CreatedMigration = { name: string; directory: string; script: string };

/**
 * `prisma migrate dev --name <name>` on our runner: brings the database up to date, writes
 * `<migrationsDir>/<yyyyMMddHHmmss>_<name>/migration.sql` for the difference between the migration
 * history and schema.prisma, then applies it. Returns null (and writes nothing) when there is no
 * difference.
 */
export async function createMigration(
  target: MigrationTarget,
  name: string,
  options: SchemaEngineOptions = {},
): Promise<CreatedMigration | null> {
  if (!/^[a-z0-9_]{1,200}$/i.test(name)) {
    throw new Error(
      `migration name "${name}" must be letters, digits and underscores (e.g. add_payouts)`,
    );
  }
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schema = await readSchema(options.schemaPath);
  return withEngine(target, options, async (engine) => {
    // The order `migrate dev` uses; createMigration alone refuses to run without the preceding
    // devDiagnostic (it computes the history's schema on a shadow database).
    await engine.applyMigrations({
      migrationsList: await readMigrationList(migrationsDir),
      filters: NO_FILTER,
    });
    const migrationsList = await readMigrationList(migrationsDir);
    const { action } = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (action.tag === "reset") {
      throw new Error(
        `the database has drifted from the migration history and would need a reset: ${action.reason}\n` +
          "Nothing was changed. Point DATABASE_URL at a fresh database (or delete the PGlite data directory) and retry.",
      );
    }
    const created = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [schema] },
      filters: NO_FILTER,
    });
    if (created.migrationScript === null) return null;
    const directory = path.join(migrationsDir, created.generatedMigrationName);
    if (existsSync(directory))
      throw new Error(`the migration directory already exists: ${directory}`);
    await mkdir(directory, { recursive: true });
    await writeFile(
      path.join(directory, `migration.${created.extension}`),
      created.migrationScript,
      "utf8",
    );
    await writeFile(
      path.join(migrationsDir, LOCKFILE_NAME),
      "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\n" +
        `provider = "${created.connectorType}"\n`,
      "utf8",
    );
    await engine.applyMigrations({
      migrationsList: await readMigrationList(migrationsDir),
      filters: NO_FILTER,
    });
    return { name: created.generatedMigrationName, directory, script: created.migrationScript };
  });
}

/**
 * The SQL that would take a database built from the committed migrations to schema.prisma; "" when
 * they agree. Needs no database: the history is replayed on an in-memory PGlite shadow.
 */
export async function diffMigrationsAgainstSchema(
  options: SchemaEngineOptions = {},
): Promise<string> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schema = await readSchema(options.schemaPath);
  return withEngine({ kind: "pglite", dataDir: null }, options, async (engine) => {
    const result = await engine.diff({
      from: { tag: "migrations", ...(await readMigrationList(migrationsDir)) },
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const script = result.stdout ?? "";
    return hasStatements(script) ? script : "";
  });
}

// ───────────────────────────── engine sessions ─────────────────────────────

async function withEngine<T>(
  target: MigrationTarget,
  options: SchemaEngineOptions,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const schema = await readSchema(options.schemaPath);
  const bg = await loadSchemaEngine();
  const session = await openMigrationSession(target);
  let engine: SchemaEngine | undefined;
  try {
    engine = await bg.SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      (line: string) => options.onLog?.(line),
      bindMigrationAwareSqlAdapterFactory(session.factory),
    ).catch((error: unknown) => {
      throw engineError(error);
    });
    return await run(engine).catch((error: unknown) => {
      throw engineError(error);
    });
  } finally {
    engine?.free();
    await session.close();
  }
}

type MigrationSession = { factory: SqlMigrationAwareDriverAdapterFactory; close(): Promise<void> };

async function openMigrationSession(target: MigrationTarget): Promise<MigrationSession> {
  if (target instanceof PGlite) return pgliteSession(target, false);
  if (target.kind === "pglite") {
    return pgliteSession(
      target.dataDir === null ? await openBlankPglite() : openPglite(target.dataDir),
      true,
    );
  }
  return postgresSession(target.url);
}

let blankImage: Promise<Blob> | undefined;

/**
 * An empty in-memory PGlite. Creating one runs initdb (~2 s here); loading a copy of the first
 * one's data directory takes ~0.4 s, which matters because every shadow database is a new one.
 */
export async function openBlankPglite(): Promise<PGlite> {
  if (blankImage) return PGlite.create({ loadDataDir: await blankImage });
  const first = new PGlite();
  // dumpDataDir before the instance is ready never settles (PGlite 0.5.14).
  blankImage = first.waitReady.then(() => first.dumpDataDir("none"));
  blankImage.catch(() => {
    blankImage = undefined;
  });
  await blankImage;
  return first;
}

// NOTES.md: the factories' own connectToShadowDb are unusable. adapter-pg's builds its shadow pool
// from `{ ...config, database }`, but the connection string wins over `database`, so it runs the
// shadow work (and finally DROP DATABASE) against the *main* database. pglite-prisma-adapter's
// never closes the PGlite it creates. Ours hand the engine an empty shadow on every call, as it
// expects, and never the main database.

function pgliteSession(pglite: PGlite, ownsPglite: boolean): MigrationSession {
  const base = new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
  const shadows = new Set<PGlite>();
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: base.adapterName,
    connect: async () => withPgliteScripts(await base.connect(), pglite),
    connectToShadowDb: async () => {
      const shadow = await openBlankPglite();
      shadows.add(shadow);
      const adapter = await (
        new PrismaPGlite(shadow) as unknown as SqlMigrationAwareDriverAdapterFactory
      ).connect();
      return withPgliteScripts(adapter, shadow, async () => {
        shadows.delete(shadow);
        await shadow.close();
      });
    },
  };
  return {
    factory,
    close: async () => {
      await Promise.all([...shadows].map((shadow) => shadow.close()));
      if (ownsPglite) await pglite.close();
    },
  };
}

function postgresSession(url: string): MigrationSession {
  const pool = createPgPool(url, { charAsText: true, maxConnections: 2 });
  const base = new PrismaPg(pool);
  const shadows = new Map<string, pg.Pool>();
  const dropShadow = async (name: string) => {
    const shadowPool = shadows.get(name);
    shadows.delete(name);
    await shadowPool?.end();
    // FORCE (PostgreSQL 13+) so a connection the engine left open cannot keep the shadow alive.
    await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: base.adapterName,
    connect: async () => withPgScripts(await base.connect(), pool),
    connectToShadowDb: async () => {
      const name = `x4g_shadow_${randomBytes(6).toString("hex")}`;
      await pool.query(`CREATE DATABASE "${name}"`);
      const shadowPool = createPgPool(withDatabase(url, name), {
        charAsText: true,
        maxConnections: 2,
      });
      shadows.set(name, shadowPool);
      return withPgScripts(await new PrismaPg(shadowPool).connect(), shadowPool, () =>
        dropShadow(name),
      );
    },
  };
  return {
    factory,
    close: async () => {
      try {
        for (const name of [...shadows.keys()]) await dropShadow(name);
      } finally {
        await pool.end();
      }
    },
  };
}

/** `url` pointing at another database on the same server (same credentials and parameters). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

// A migration script must run as one unit. Both adapters get executeScript wrong for that:
// pglite-prisma-adapter 0.7.2 does not await `exec`, so a failing migration is recorded as applied
// and its error surfaces later as an unhandled rejection; adapter-pg splits the script on ";" (which
// breaks on semicolons inside strings or function bodies) and runs the pieces one by one in
// autocommit mode. Sending the whole script as one simple query, as Prisma's native engine does,
// runs it in one implicit transaction on PostgreSQL and PGlite alike.

function withPgliteScripts(
  adapter: SqlDriverAdapter,
  pglite: PGlite,
  dispose?: () => Promise<void>,
): SqlDriverAdapter {
  return delegate(adapter, {
    executeScript: async (script) => {
      try {
        await pglite.exec(script);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    },
    dispose: dispose ?? (() => adapter.dispose()),
  });
}

function withPgScripts(
  adapter: SqlDriverAdapter,
  pool: pg.Pool,
  dispose?: () => Promise<void>,
): SqlDriverAdapter {
  return delegate(adapter, {
    executeScript: async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    },
    // The pool belongs to the session (closed in its close()), not to one adapter.
    dispose: dispose ?? (async () => {}),
  });
}

function delegate(
  adapter: SqlDriverAdapter,
  overrides: Pick<SqlDriverAdapter, "executeScript" | "dispose">,
): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    ...overrides,
  };
}

type PostgresErrorFields = {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
};

function toDriverAdapterError(error: unknown): unknown {
  if (error instanceof DriverAdapterError) return error;
  const e = error as Partial<PostgresErrorFields> | null;
  if (e && typeof e.code === "string" && typeof e.message === "string") {
    return new DriverAdapterError({
      kind: "postgres",
      code: e.code,
      severity: e.severity ?? "ERROR",
      message: e.message,
      detail: e.detail,
      column: e.column,
      hint: e.hint,
    });
  }
  return error;
}

function engineError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message =
    typeof error === "object" && error !== null && "message" in error
      ? String((error as { message: unknown }).message)
      : JSON.stringify(error);
  return new Error(`schema engine: ${message}`, { cause: error });
}

// ───────────────────────────── files ─────────────────────────────

async function readSchema(
  schemaPath = DEFAULT_SCHEMA_PATH,
): Promise<{ path: string; content: string }> {
  return { path: schemaPath, content: await readFile(schemaPath, "utf8") };
}

/** The migrations folder as the engine wants it (what Prisma's CLI builds before each command). */
export async function readMigrationList(
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationList> {
  const lockfileContent = await readFile(path.join(migrationsDir, LOCKFILE_NAME), "utf8").catch(
    () => null,
  );
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE_NAME, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      directories.map(async (name) => ({
        // The bare folder name: a path here ends up verbatim in _prisma_migrations.migration_name.
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

function hasStatements(script: string): boolean {
  return script
    .split("\n")
    .map((line) => line.trim())
    .some((line) => line !== "" && !line.startsWith("--"));
}
