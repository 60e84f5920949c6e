import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { inject } from "vitest";

import type { PrismaClient } from "@/server/db";
import { openPglite } from "@/server/db/adapter";
import { createPrismaClient } from "@/server/db/client";
import type { DatabaseConfig } from "@/server/db/config";
import { createTestDatabase } from "@/server/db/testing";

// Crash tests run the product in a child process and kill it: they need a database that the test
// and the child can open one after the other (a PGlite directory; PGlite is single-process) or at
// once (PostgreSQL), cloned from the run's migrated template.

export type SharedDatabase = {
  url: string;
  /** opens the database for the duration of `fn` (and closes it, so a child process may open it) */
  withDb<T>(fn: (db: PrismaClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export async function createSharedDatabase(): Promise<SharedDatabase> {
  const template = inject("dbTemplate");
  const tmp = mkdtempSync(path.join(tmpdir(), "x4g-crash-"));
  let config: DatabaseConfig;
  let url: string;
  let closeDatabase: () => Promise<void> = async () => undefined;
  if (template.kind === "pglite") {
    const dataDir = path.join(tmp, "pglite");
    await openPglite(dataDir, {
      loadDataDir: new Blob([new Uint8Array(readFileSync(template.tarballPath))]),
    }).close();
    config = { kind: "pglite", dataDir };
    url = `pglite:${dataDir}`;
  } else {
    const test = await createTestDatabase(template);
    config = test.config;
    url = (test.config as { url: string }).url;
    closeDatabase = async () => {
      await test.db.$disconnect();
      await test.close();
    };
  }
  return {
    url,
    withDb<T>(fn: (db: PrismaClient) => Promise<T>): Promise<T> {
      const handle = createPrismaClient(config);
      return fn(handle.db).finally(() => handle.close());
    },
    async close() {
      await closeDatabase();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export type ChildProcessHandle = {
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Runs a TypeScript entry point of ours in a child process with `env` added. */
export function startTsProcess(entry: string, env: Record<string, string>): ChildProcessHandle {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid ?? 0, output: () => out, exited };
}
