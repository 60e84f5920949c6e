import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

import { getEnv } from "@/server/env";

import { createPrismaClient, type PrismaClient } from "./client";
import { parseDatabaseUrl, redactDatabaseUrl, type DatabaseConfig } from "./config";
import { applyMigrations, openBlankPglite, withDatabase } from "./schema-engine";

// Test databases (STYLE 2.13): the real migration runner runs once per test run, on a template;
// each test file then gets a fresh copy of it. PGlite (default): the template is a tarball of a
// migrated data directory, loaded into a new in-memory PGlite per file. PostgreSQL (DATABASE_URL
// set): the template is a migrated database and each file gets CREATE DATABASE … TEMPLATE.

/** Serializable, so Vitest's globalSetup can `provide` it to the test files. */
export type TestDbTemplate =
  | { kind: "pglite"; tarballPath: string }
  | { kind: "postgres"; serverUrl: string; templateDatabase: string };

export type TestDatabase = { db: PrismaClient; config: DatabaseConfig; close(): Promise<void> };

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * Refuses any PostgreSQL that is not on this machine: the helpers create and drop databases, so a
 * DATABASE_URL left pointing at a shared server must fail loudly (dub's assert-local-database).
 */
export function assertLocalDatabase(url: string): void {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  // A host starting with "/" is a Unix socket directory, which is local by definition.
  if (!LOCAL_HOSTS.has(host) && !host.startsWith("/")) {
    throw new Error(
      `refusing to create test databases on ${redactDatabaseUrl(url)}: tests only run against a local ` +
        "PostgreSQL (127.0.0.1, localhost or ::1). Unset DATABASE_URL to use PGlite.",
    );
  }
}

/** Runs the migrations once and returns the template every test file copies (Vitest globalSetup). */
export async function prepareTestDatabases(
  databaseUrl: string | undefined = getEnv().DATABASE_URL,
): Promise<TestDbTemplate> {
  const config = parseDatabaseUrl(databaseUrl, tmpdir());
  if (config.kind === "postgres") {
    assertLocalDatabase(config.url);
    const templateDatabase = uniqueName("x4g_tpl");
    await adminQuery(config.url, `CREATE DATABASE "${templateDatabase}"`);
    try {
      await migrateFreshDatabase({
        kind: "postgres",
        url: withDatabase(config.url, templateDatabase),
      });
    } catch (error) {
      await adminQuery(config.url, `DROP DATABASE IF EXISTS "${templateDatabase}" WITH (FORCE)`);
      throw error;
    }
    return { kind: "postgres", serverUrl: config.url, templateDatabase };
  }
  // Tests always use an in-memory PGlite copy: a pglite:<dir> DATABASE_URL is the developer's own
  // database and is never touched here.
  const pglite = await openBlankPglite();
  try {
    await migrateFreshDatabase(pglite);
    const image = await pglite.dumpDataDir("none");
    const dir = await mkdtemp(path.join(tmpdir(), "x4g-test-db-"));
    const tarballPath = path.join(dir, "template.tar");
    await writeFile(tarballPath, new Uint8Array(await image.arrayBuffer()));
    return { kind: "pglite", tarballPath };
  } finally {
    await pglite.close();
  }
}

export async function teardownTestDatabases(template: TestDbTemplate): Promise<void> {
  if (template.kind === "pglite") {
    await rm(path.dirname(template.tarballPath), { recursive: true, force: true });
    return;
  }
  await adminQuery(
    template.serverUrl,
    `DROP DATABASE IF EXISTS "${template.templateDatabase}" WITH (FORCE)`,
  );
}

/** A fresh, migrated database for one test file; `close()` disposes of it. */
export async function createTestDatabase(template: TestDbTemplate): Promise<TestDatabase> {
  if (template.kind === "pglite") {
    const image = new Blob([new Uint8Array(await readFile(template.tarballPath))]);
    const pglite = await PGlite.create({ loadDataDir: image });
    const config: DatabaseConfig = { kind: "pglite", dataDir: null };
    const handle = createPrismaClient(config, { pglite });
    return {
      db: handle.db,
      config,
      close: async () => {
        await handle.close();
        await pglite.close();
      },
    };
  }
  assertLocalDatabase(template.serverUrl);
  const database = uniqueName("x4g_t");
  await createDatabaseFromTemplate(template.serverUrl, database, template.templateDatabase);
  const config: DatabaseConfig = {
    kind: "postgres",
    url: withDatabase(template.serverUrl, database),
  };
  const handle = createPrismaClient(config);
  return {
    db: handle.db,
    config,
    close: async () => {
      try {
        await handle.close();
      } finally {
        await adminQuery(template.serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }
    },
  };
}

/**
 * Applies the committed migrations to a new database, e.g. the PGlite data directory the e2e
 * global setup creates before `next start`. Same runner as `npm run db:migrate`.
 */
export async function migrateFreshDatabase(target: DatabaseConfig | PGlite): Promise<string[]> {
  return applyMigrations(target);
}

async function createDatabaseFromTemplate(
  serverUrl: string,
  database: string,
  template: string,
): Promise<void> {
  // PostgreSQL refuses to copy a template while another session is connected to it ("source
  // database is being accessed by other users"); only our own short-lived admin sessions ever are,
  // so a few quick retries cover two test files starting at once.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await adminQuery(serverUrl, `CREATE DATABASE "${database}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "55006" || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}
