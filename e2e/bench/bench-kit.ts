// What the benchmark's lines share: child processes, readiness waits, one autocannon measurement
// printed as a row, and EIP-3009 payments signed ahead so signing is not part of what is measured.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import autocannon from "autocannon";
import pg from "pg";
import { toHex, type Hex, type LocalAccount } from "viem";

import { signTransferAuthorization } from "@/server/chain/test-usdc";
import { parseDatabaseUrl, type DatabaseConfig } from "@/server/db/config";
import { DATA_DIR_LOCK_FILE } from "@/server/db/data-dir-lock";

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
export const PAID_REQUESTS = Number(process.env.BENCH_PAID_REQUESTS ?? 2000);

export const children: ChildProcess[] = [];

/** The machine's PostgreSQL (trust auth for `postgres` on the loopback, as .ci/run uses it). */
export const BENCH_POSTGRES =
  process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";

export type BenchDatabase = {
  url: string;
  config: DatabaseConfig;
  /** A copy of the database as it is now, for a second server (its source must be closed by then). */
  copy: (name: string) => Promise<string>;
  /** Drops what this helper created (PostgreSQL databases; an embedded directory stays for a look). */
  drop: () => Promise<void>;
};

/**
 * The database a bench's gateway runs on: a fresh PostgreSQL database on the machine's server (the
 * setting issue 21 measures in, created and dropped by the bench), or the embedded PGlite under
 * `dataDir` with BENCH_DB=pglite. A DATABASE_URL naming PostgreSQL is used as it is (not dropped).
 * One helper for every bench, so they all measure on the same kind of database.
 */
export async function benchDatabase(dataDir: string, name = "x4g_bench"): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : null;
  if (process.env.BENCH_DB === "pglite" && !given) {
    const url = `pglite:${path.join(dataDir, "pglite")}`;
    const config = parseDatabaseUrl(url, dataDir);
    return {
      url,
      config,
      copy: async (suffix) => {
        const from = path.join(dataDir, "pglite");
        const to = `${from}-${suffix}`;
        rmSync(to, { recursive: true, force: true });
        cpSync(from, to, { recursive: true });
        // the copy is not the source server's: its lock (naming that live server) stays with the original
        rmSync(path.join(to, DATA_DIR_LOCK_FILE), { force: true });
        return `pglite:${to}`;
      },
      drop: async () => undefined,
    };
  }
  const server = given ? new URL(given) : new URL(BENCH_POSTGRES);
  const database = given ? server.pathname.slice(1) : `${name}_${Date.now()}`;
  const urlOf = (db: string) => {
    const u = new URL(server);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const created: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: urlOf("postgres") });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (!given) {
    await admin(`CREATE DATABASE ${database}`);
    created.push(database);
  }
  const url = urlOf(database);
  return {
    url,
    config: { kind: "postgres", url },
    copy: async (suffix) => {
      const copy = `${database}_${suffix}`;
      await admin(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${copy} TEMPLATE ${database}`);
      if (!created.includes(copy)) created.push(copy);
      return urlOf(copy);
    },
    drop: async () => {
      for (const db of created.reverse())
        await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    },
  };
}

/** Starts `node --import tsx <script>`; resolves with the port it prints as `{"port":…}`. */
export function startChild(
  args: string[],
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ port: (JSON.parse(line) as { port: number }).port, child });
    });
    child.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

export type Measured = {
  name: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  cpuUsPerRequest?: number;
};

/**
 * One autocannon run printed as a row. `cpuSeconds` (the serving process's CPU time so far, e.g.
 * from /proc) adds its CPU per request over the measured run, the warm-up left out.
 */
export async function measure(
  name: string,
  opts: autocannon.Options,
  cpuSeconds?: () => number | null,
): Promise<Measured> {
  // a short warm-up so JIT, keep-alive pools and caches are in their steady state
  if (!opts.amount) await autocannon({ ...opts, duration: 2 });
  const cpuBefore = cpuSeconds?.() ?? null;
  const result = await autocannon({ connections: CONNECTIONS, ...opts });
  const cpuAfter = cpuSeconds?.() ?? null;
  const m: Measured = {
    name,
    requestsPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
  if (cpuBefore !== null && cpuAfter !== null && m.total > 0)
    m.cpuUsPerRequest = ((cpuAfter - cpuBefore) * 1e6) / m.total;
  console.log(
    `${name.padEnd(26)} ${m.requestsPerSec.toFixed(0).padStart(8)} req/s   p50 ${m.p50.toFixed(1).padStart(6)} ms   p99 ${m.p99.toFixed(1).padStart(7)} ms   non-2xx ${m.non2xx}   errors ${m.errors}${m.cpuUsPerRequest !== undefined ? `   CPU ${m.cpuUsPerRequest.toFixed(0)} µs/req` : ""}`,
  );
  return m;
}

/** CPU seconds (user + system, all threads) a process has used, from /proc (null where there is none). */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return null;
  // the fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** A process's resident set in MB, from /proc (null where there is none). */
export function rssMbOf(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return null;
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : null;
}

export type Requirements = {
  scheme: string;
  network: string;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: { name: string; version: string };
};

/** The first payment requirements (and declared extensions) the gateway answers `url` with. */
export async function challengeOf(
  url: string,
): Promise<{ requirements: Requirements; extensions: Record<string, unknown> }> {
  const unpaid = await fetch(url);
  await unpaid.arrayBuffer();
  const required = JSON.parse(
    Buffer.from(unpaid.headers.get("payment-required") ?? "", "base64").toString("utf8"),
  ) as { accepts: Requirements[]; extensions?: Record<string, unknown> };
  if (!required.accepts[0]) throw new Error(`the gateway did not answer ${url} with requirements`);
  return { requirements: required.accepts[0], extensions: required.extensions ?? {} };
}

/** `count` payment headers (x402 v2, exact scheme), each a fresh EIP-3009 authorization. */
export async function signPayments(
  payer: LocalAccount,
  chainId: number,
  requirements: Requirements,
  count: number,
): Promise<string[]> {
  const validBefore = BigInt(Math.floor(Date.now() / 1000)) + 3600n;
  const signed: string[] = [];
  for (let i = 0; i < count; i++) {
    const authorization = {
      from: payer.address,
      to: requirements.payTo as Hex,
      value: requirements.amount,
      validAfter: "0",
      validBefore: String(validBefore),
      nonce: toHex(randomBytes(32)),
    };
    const signature = await signTransferAuthorization(
      payer,
      {
        name: requirements.extra.name,
        version: requirements.extra.version,
        chainId,
        verifyingContract: requirements.asset as Hex,
      },
      { ...authorization, value: BigInt(authorization.value), validAfter: 0n, validBefore },
    );
    signed.push(
      Buffer.from(
        JSON.stringify({
          x402Version: 2,
          accepted: requirements,
          payload: { signature, authorization },
        }),
      ).toString("base64"),
    );
  }
  return signed;
}

/** An autocannon request list that sends each signed header once, in order. */
export function eachOnce(headerName: string, values: string[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, [headerName]: values[next++ % values.length] as string },
      }),
    },
  ];
}
