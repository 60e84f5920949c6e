import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { parseServerEnv } from "@/server/env";
import { payoutAddressColumns } from "@/server/merchants/merchants";

import { openPglite } from "./adapter";
import { createPrismaClient } from "./client";
import type { DatabaseConfig } from "./config";
import { DATA_DIR_LOCK_FILE, DataDirLockedError } from "./data-dir-lock";
import { createId } from "./ids";
import { applyMigrations } from "./schema-engine";

// PGlite is single-process. These tests run real processes on one embedded data directory: a
// second opener is refused with the holder named and nothing written; SIGTERM closes the database
// cleanly; SIGKILL at any moment loses no row the database acknowledged, and the next process takes
// the dead one's lock over.

const tmp = mkdtempSync(path.join(tmpdir(), "x4g-lock-"));
let seq = 0;

const children: ChildProcess[] = [];

afterAll(() => {
  // a failed assertion must not leave a writer holding its directory forever
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

/** A migrated data directory of its own, with one merchant; returns its config and the merchant id. */
async function freshDataDir(): Promise<{
  dir: string;
  config: DatabaseConfig;
  merchantId: string;
}> {
  const dir = path.join(tmp, `db-${++seq}`);
  const config: DatabaseConfig = { kind: "pglite", dataDir: dir };
  const template = inject("dbTemplate");
  if (template.kind === "pglite") {
    await openPglite(dir, {
      loadDataDir: new Blob([new Uint8Array(readFileSync(template.tarballPath))]),
    }).close();
  } else {
    await applyMigrations(config);
  }
  const merchantId = createId("merchant");
  await withDb(config, (db) =>
    db.merchant.create({
      data: {
        id: merchantId,
        name: "Lock test",
        upstreamBaseUrl: "http://127.0.0.1:9/",
        ...payoutAddressColumns("0x0000000000000000000000000000000000000001", parseServerEnv({})),
      },
    }),
  );
  return { dir, config, merchantId };
}

async function withDb<T>(
  config: DatabaseConfig,
  fn: (db: ReturnType<typeof createPrismaClient>["db"]) => Promise<T>,
): Promise<T> {
  const handle = createPrismaClient(config);
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

const countRows = (config: DatabaseConfig, merchantId: string) =>
  withDb(config, (db) => db.auditLog.count({ where: { merchantId } }));

type Child = {
  process: ChildProcess;
  pid: number;
  output(): string;
  committed: string[];
  /** resolves once a line of stdout satisfies `test` (rejects if the process exits first) */
  waitFor(test: (line: string) => boolean): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

function start(entry: string, env: Record<string, string>, args: string[] = []): Child {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: tmp, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let pending = "";
  const committed: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve(): void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("committed ")) committed.push(line.slice("committed ".length));
      for (const w of [...waiters]) {
        if (!w.test(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    pid: child.pid ?? 0,
    output: () => out,
    committed,
    waitFor: (test) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ test, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`process exited (${code ?? signal}) before the expected line:\n${out}`)),
        );
      }),
    exited,
  };
}

const writer = (dir: string, merchantId: string, extra: Record<string, string> = {}) =>
  start("server/testing/db-writer-process.ts", {
    DATABASE_URL: `pglite:${dir}`,
    MERCHANT_ID: merchantId,
    ...extra,
  });

describe("a second process on a held embedded database", () => {
  let db: Awaited<ReturnType<typeof freshDataDir>>;
  let holder: Child;

  beforeAll(async () => {
    db = await freshDataDir();
    holder = writer(db.dir, db.merchantId, { WRITE_COUNT: "40" });
    await holder.waitFor((line) => line === "holding");
  });

  it.each([
    ["npm run db:migrate", "prisma/migrate.ts", ["apply"]],
    ["npm run db:seed", "prisma/seed.ts", []],
    ["npm start", "server/cli/start.ts", ["-p", "3311"]],
  ])(
    "%s exits non-zero naming the directory, the holder's pid and command and how to stop it",
    async (_name, entry, args) => {
      const second = start(entry, { DATABASE_URL: `pglite:${db.dir}` }, args);
      const { code } = await second.exited;
      expect(code, second.output()).not.toBe(0);
      expect(second.output()).toContain(path.resolve(db.dir));
      expect(second.output()).toContain(`pid ${holder.pid}`);
      expect(second.output()).toContain("db-writer-process.ts");
      expect(second.output()).toContain(`kill ${holder.pid}`);
    },
  );

  it("is refused in this process too, before anything is opened", () => {
    expect(() => createPrismaClient(db.config)).toThrow(DataDirLockedError);
  });

  it("SIGTERM closes the holder cleanly: its rows are all there, the lock and PostgreSQL's pid file are gone", async () => {
    holder.process.kill("SIGTERM");
    const { code, signal } = await holder.exited;
    expect({ code, signal }, holder.output()).toEqual({ code: 143, signal: null });
    // postmaster.pid is removed only by PGlite's orderly shutdown (a killed process leaves it)
    expect(existsSync(path.join(db.dir, "postmaster.pid"))).toBe(false);
    expect(existsSync(path.join(db.dir, DATA_DIR_LOCK_FILE))).toBe(false);
    expect(holder.committed).toHaveLength(40);
    await withDb(db.config, async (client) => {
      const rows = await client.auditLog.findMany({
        where: { merchantId: db.merchantId },
        select: { id: true },
      });
      expect(rows.map((r) => r.id).sort()).toEqual([...holder.committed].sort());
      // the refused seed wrote nothing either
      expect(await client.user.count()).toBe(0);
    });
  });
});

describe("a command stopped with SIGTERM in the middle of writing", () => {
  it("finishes the write in progress, closes the database cleanly and exits 143; every acknowledged row is there", async () => {
    const db = await freshDataDir();
    const child = writer(db.dir, db.merchantId);
    await child.waitFor(() => child.committed.length >= 30);
    child.process.kill("SIGTERM");
    expect(await child.exited, child.output()).toEqual({ code: 143, signal: null });
    // closing makes the write loop's next query fail: that is the shutdown, not an error to report
    expect(child.output()).not.toMatch(/closed|Invalid `db/i);
    expect(existsSync(path.join(db.dir, "postmaster.pid"))).toBe(false);
    expect(existsSync(path.join(db.dir, DATA_DIR_LOCK_FILE))).toBe(false);
    const ids = await withDb(db.config, async (client) =>
      (
        await client.auditLog.findMany({
          where: { merchantId: db.merchantId },
          select: { id: true },
        })
      ).map((r) => r.id),
    );
    expect(ids).toEqual(expect.arrayContaining(child.committed));
    expect(ids.length - child.committed.length).toBeLessThanOrEqual(1);
  });
});

describe("the server (server/cli/start.ts) on the embedded database", () => {
  it("holds the directory while it serves, and SIGTERM closes the database cleanly before it exits", async () => {
    const db = await freshDataDir();
    const server = start(
      "server/cli/start.ts",
      { DATABASE_URL: `pglite:${db.dir}`, NODE_ENV: "development" },
      ["--dev", "-p", "3311", "-H", "127.0.0.1"],
    );
    try {
      await server.waitFor((line) => line.includes("ready on"));
      const lock = JSON.parse(readFileSync(path.join(db.dir, DATA_DIR_LOCK_FILE), "utf8")) as {
        pid: number;
        command: string;
      };
      expect(lock).toMatchObject({
        pid: server.pid,
        command: expect.stringContaining("server/cli/start.ts") as string,
      });
      server.process.kill("SIGTERM");
      expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
      expect(existsSync(path.join(db.dir, "postmaster.pid"))).toBe(false);
      expect(existsSync(path.join(db.dir, DATA_DIR_LOCK_FILE))).toBe(false);
    } finally {
      if (server.process.exitCode === null) server.process.kill("SIGKILL");
    }
  }, 180_000);
});

describe("a writer killed with SIGKILL at any moment", () => {
  it("loses no committed row across three kills, and each restart takes the dead process's lock over", async () => {
    const db = await freshDataDir();
    const committed: string[] = [];
    // kill after different amounts of work, so the kill lands at different points of the write loop
    for (const after of [1, 57, 211]) {
      const child = writer(db.dir, db.merchantId);
      await child.waitFor(() => child.committed.length >= after);
      child.process.kill("SIGKILL");
      expect((await child.exited).signal).toBe("SIGKILL");
      committed.push(...child.committed);
      // the dead process's lock is still there: the next opener must recognise it as stale
      expect(existsSync(path.join(db.dir, DATA_DIR_LOCK_FILE))).toBe(true);
    }
    const ids = await withDb(db.config, async (client) =>
      (
        await client.auditLog.findMany({
          where: { merchantId: db.merchantId },
          select: { id: true },
        })
      ).map((r) => r.id),
    );
    expect(committed.length).toBeGreaterThanOrEqual(1 + 57 + 211);
    // every acknowledged row survived; at most one row per kill was written but not yet reported
    expect(ids).toEqual(expect.arrayContaining(committed));
    expect(ids.length - committed.length).toBeLessThanOrEqual(3);
  });
});

describe("stale and live locks", () => {
  it("a lock whose pid is alive but is another process (a recycled pid) is taken over; one of a live holder is not", async () => {
    const db = await freshDataDir();
    const lockPath = path.join(db.dir, DATA_DIR_LOCK_FILE);
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const realStart = readFileSync(`/proc/${sleeper.pid}/stat`, "utf8")
        .split(") ")[1]
        ?.split(" ")[19];
      const record = (processStart: string) =>
        JSON.stringify({
          pid: sleeper.pid,
          hostname: hostname(),
          bootId: bootId(),
          processStart,
          startedAt: new Date().toISOString(),
          command: "sleep 60",
          nonce: "n",
        });
      writeFileSync(lockPath, record(String(Number(realStart) + 12_345)));
      expect(await countRows(db.config, db.merchantId)).toBe(0);
      writeFileSync(lockPath, record(realStart ?? ""));
      expect(() => createPrismaClient(db.config)).toThrow(`pid ${sleeper.pid} (sleep 60)`);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("a lock from before a reboot, or of an exited process, is taken over", async () => {
    const db = await freshDataDir();
    const lockPath = path.join(db.dir, DATA_DIR_LOCK_FILE);
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        bootId: "another-boot",
        processStart: "1",
        startedAt: "2026-01-01T00:00:00.000Z",
        command: "old",
        nonce: "a",
      }),
    );
    expect(await countRows(db.config, db.merchantId)).toBe(0);
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: gone.pid,
        hostname: hostname(),
        bootId: bootId(),
        processStart: "1",
        startedAt: "2026-01-01T00:00:00.000Z",
        command: "true",
        nonce: "b",
      }),
    );
    expect(await countRows(db.config, db.merchantId)).toBe(0);
    expect(existsSync(lockPath)).toBe(false);
  });

  it("of four processes started together on a dead process's lock, exactly one opens the database", async () => {
    const db = await freshDataDir();
    const dead = writer(db.dir, db.merchantId);
    await dead.waitFor((line) => line.startsWith("opened"));
    dead.process.kill("SIGKILL");
    await dead.exited;
    const racers = [1, 2, 3, 4].map(() => writer(db.dir, db.merchantId, { WRITE_COUNT: "5" }));
    const outcomes = await Promise.all(
      racers.map((r) =>
        Promise.race([
          r.waitFor((line) => line === "holding").then(() => "holding"),
          r.exited.then(() => "exited"),
        ]).catch(() => "exited"),
      ),
    );
    expect(
      outcomes.filter((o) => o === "holding"),
      racers.map((r) => r.output()).join("\n---\n"),
    ).toHaveLength(1);
    const winner = racers[outcomes.indexOf("holding")];
    for (const r of racers.filter((x) => x !== winner)) {
      expect((await r.exited).code).toBe(1);
      expect(r.output()).toContain(`pid ${winner?.pid}`);
    }
    winner?.process.kill("SIGTERM");
    await winner?.exited;
    expect(await countRows(db.config, db.merchantId)).toBe(5 + dead.committed.length);
  });
});

describe("contenders taking a stale lock at the same instant", () => {
  it("exactly one wins, every round, and the others name it", async () => {
    const dir = mkdtempSync(path.join(tmp, "race-"));
    const lockPath = path.join(dir, DATA_DIR_LOCK_FILE);
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    for (let round = 0; round < 3; round++) {
      // a dead process's lock, as a crash leaves it
      writeFileSync(
        lockPath,
        JSON.stringify({
          pid: gone.pid,
          hostname: hostname(),
          bootId: bootId(),
          processStart: "1",
          startedAt: "",
          command: "crashed",
          nonce: `dead-${round}`,
        }),
      );
      const startAt = String(Date.now() + 6_000);
      const contenders = Array.from({ length: 5 }, () =>
        start("server/testing/lock-race-process.ts", { LOCK_DIR: dir, START_AT: startAt }),
      );
      const results = await Promise.all(
        contenders.map((c) =>
          Promise.race([
            c.waitFor((line) => line === "won").then(() => "won"),
            c.exited.then(() => "lost"),
          ]).catch(() => "lost"),
        ),
      );
      const winners = contenders.filter((_, i) => results[i] === "won");
      expect(winners, contenders.map((c) => c.output()).join("\n")).toHaveLength(1);
      const winner = winners[0];
      for (const loser of contenders.filter((c) => c !== winner)) {
        expect((await loser.exited).code).toBe(1);
        expect(loser.output()).toContain(`pid ${winner?.pid}`);
      }
      expect(JSON.parse(readFileSync(lockPath, "utf8"))).toMatchObject({ pid: winner?.pid });
      winner?.process.kill("SIGTERM");
      await winner?.exited;
      expect(existsSync(lockPath)).toBe(false);
    }
  });
});

function bootId(): string {
  return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
}
