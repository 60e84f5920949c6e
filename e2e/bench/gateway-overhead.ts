// `npm run bench`: what the gateway costs, measured in one run on one machine, under the same load:
//   (a) the upstream called directly          (b) a bare Node reverse proxy in front of it
//   (c) the gateway's free path               (d) the gateway's paid path, AFTER_SUCCESS (payments signed ahead)
//   (d2) paid, BEFORE_PROXY                   (e) paid calls under DEFERRED settlement
//   (f) calls under a time pass (Sign-In-With-X proofs signed ahead)
//   each paid row is followed by its on-chain check: the merchant wallet's balance grew by one price per 2xx
//   (g) the free path with metrics and logging on vs off
//   (h) two instances on PostgreSQL + Redis behind a round-robin proxy vs one instance
// The gateway is the production build (`npm start`) on PostgreSQL (a database the bench creates and
// drops; BENCH_DB=pglite for the embedded one) and a local anvil.
// Prints throughput and p50/p99 per target and the ratios c/b, d/c, e/c and f/c; writes test-results/bench.json.
// BENCH_FREE_ONLY=1 runs (a), (b), (c) alone, with the gateway's CPU time per request (test-results/bench-free.json).
// BENCH_SETTLE_ONLY=1 runs the paid rows (d), (d2), (e) alone with their on-chain checks (test-results/bench-settle.json).
// Each paid row also prints what one call cost: the gateway's CPU, database transactions and JSON-RPC calls.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

import autocannon from "autocannon";
import { createSIWxPayload, encodeSIWxHeader } from "@x402/extensions/sign-in-with-x";

import { accountFor } from "@/server/chain/accounts";
import { freePort } from "@/server/chain/anvil";
import { setupLocalChain } from "@/server/chain/local-chain";
import { usdcBalance } from "@/server/chain/test-usdc";
import { COMPILED_SERVER, SERVER_NODE_FLAGS, writeCompiledServer } from "@/server/cli/build-server";
import { prepareStandalone } from "@/server/cli/prepare-standalone";
import { createPrismaClient } from "@/server/db/client";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { createMerchant } from "@/server/merchants/merchants";
import { parsePrometheusText, sampleValue } from "@/server/observability/prometheus-text";
import { createPricingRule } from "@/server/pricing/rules";
import { signUpWithPassword } from "@/server/users/users";

import {
  challengeOf as challengeAt,
  children,
  CONNECTIONS,
  DURATION_S,
  measure,
  PAID_REQUESTS,
  benchDatabase,
  cpuSecondsOf,
  rssMbOf,
  signPayments as signPaymentsAhead,
  startChild,
  waitFor,
  type Measured,
  type Requirements,
} from "./bench-kit";
import { extraFacilitatorKeys } from "./facilitator-accounts";
import { measureTwoInstances } from "./two-instances";

/** the unloaded rows: one connection, so latency is the path's own cost rather than queueing */
const SERIAL_PAID_REQUESTS = 200;
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR
  ? path.resolve(process.env.BENCH_CPU_PROF_DIR)
  : null;

const METRICS_TOKEN = "bench-only-metrics-token-0123456789";

/** Polls the gateway's /api/metrics until its deferred settlement queue is empty (or the time is up). */
async function waitForDeferredQueue(
  appUrl: string,
  timeoutMs = 10 * 60_000,
): Promise<{ depth: number; seconds: number }> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${appUrl}/api/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/api/metrics answered ${res.status}: ${text}`);
    const depth = sampleValue(parsePrometheusText(text), "x402_queue_depth", {
      queue: "deferred_settlements",
    });
    const seconds = (Date.now() - started) / 1000;
    if (depth === 0 || Date.now() - started > timeoutMs) return { depth, seconds };
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * BENCH_SOAK_S=<seconds> (with BENCH_FREE_ONLY=1): the free path loaded without pause for that long
 * (600 for the 10-minute soak), the server's RSS read every 30 s. Flat means the last samples sit
 * within 10 % of the samples after the first minute (the JIT, pools and caches are warm by then).
 */
async function soakFreePath(
  url: string,
  seconds: number,
  rssMb: () => number | null,
): Promise<{ samples: { atS: number; rssMb: number | null; rps: number }[]; maxMb: number }> {
  const STEP_S = 30;
  const samples: { atS: number; rssMb: number | null; rps: number }[] = [
    { atS: 0, rssMb: rssMb(), rps: 0 },
  ];
  for (let at = 0; at < seconds; at += STEP_S) {
    const step = Math.min(STEP_S, seconds - at);
    const result = await autocannon({ url, connections: CONNECTIONS, duration: step });
    samples.push({ atS: at + step, rssMb: rssMb(), rps: result.requests.average });
    console.log(
      `soak ${String(at + step).padStart(4)} s   RSS ${rssMb()?.toFixed(0) ?? "?"} MB   ${result.requests.average.toFixed(0)} req/s   non-2xx ${result.non2xx}   errors ${result.errors}`,
    );
  }
  const maxMb = Math.max(...samples.map((x) => x.rssMb ?? 0));
  return { samples, maxMb };
}

const SOAK_SECONDS = Number(process.env.BENCH_SOAK_S ?? 0);

/** The soak on one server, printed and written to test-results/bench-soak-<name>.json. */
async function soakAndReport(url: string, rssMb: () => number | null, name: string) {
  const soak = await soakFreePath(url, SOAK_SECONDS, rssMb);
  const warm = soak.samples.filter((x) => x.atS >= 60 && x.rssMb !== null);
  const settledMb = warm[0]?.rssMb ?? null;
  const lastMb = warm.at(-1)?.rssMb ?? null;
  const flat = settledMb !== null && lastMb !== null && lastMb <= settledMb * 1.1;
  console.log(
    `soak (${name}): ${SOAK_SECONDS} s, RSS max ${soak.maxMb.toFixed(0)} MB (aim < 300), after the first minute ${settledMb?.toFixed(0) ?? "?"} MB → at the end ${lastMb?.toFixed(0) ?? "?"} MB (${flat ? "flat" : "growing"})`,
  );
  mkdirSync("test-results", { recursive: true });
  writeFileSync(
    `test-results/bench-soak-${name}.json`,
    JSON.stringify({ at: new Date().toISOString(), seconds: SOAK_SECONDS, ...soak, flat }, null, 2),
  );
  return { seconds: SOAK_SECONDS, maxMb: soak.maxMb, settledMb, lastMb, flat };
}

async function main() {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("no production build found: running `next build` first");
    await new Promise<void>((resolve, reject) => {
      const build = spawn("npx", ["next", "build"], {
        stdio: "inherit",
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      build.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`)),
      );
    });
  }

  // `npm start`'s compiled server, from this tree's sources as they are now
  writeCompiledServer();

  // automine, plus a block each second for a settlement anvil's automine left ready but unmined
  // (it happens under concurrent sends from one account: server/chain/anvil.ts)
  const chain = await setupLocalChain({ chainId: 84532, mixedMiningBlockTime: 1 });
  const upstream = await startChild(["e2e/bench/upstream-process.ts"]);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  // BENCH_FREE_ONLY=1 with BENCH_CPU_PROF_DIR: the bare proxy is profiled too, as the comparison
  const bare = await startChild(
    ["e2e/bench/bare-proxy-process.ts", upstreamUrl],
    {},
    process.env.BENCH_FREE_ONLY === "1" && PROFILE_DIR
      ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, "bare")}`]
      : [],
  );
  // (h) two instances on PostgreSQL + Redis behind a round-robin proxy vs one (BENCH_SCALE_ONLY=1 runs it alone)
  const compareScale = () =>
    measureTwoInstances({ chain, upstreamUrl, logDir: path.resolve(".data/bench-scale") });
  if (process.env.BENCH_SCALE_ONLY === "1") {
    const only = await compareScale();
    console.log(`\n${only.line}`);
    mkdirSync("test-results", { recursive: true });
    writeFileSync(
      "test-results/bench-scale.json",
      JSON.stringify(
        {
          at: new Date().toISOString(),
          connections: CONNECTIONS,
          durationSeconds: DURATION_S,
          results: only.results,
          ratios: only.ratios,
        },
        null,
        2,
      ),
    );
    await chain.stop();
    return;
  }

  // a fresh database (PostgreSQL; BENCH_DB=pglite for the embedded one) with one merchant whose
  // /paid/* costs 0.001 test USDC
  const dataDir = path.resolve(".data/bench");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const database = await benchDatabase(dataDir);
  dropDatabase = database.drop;
  const databaseUrl = database.url;
  const dbConfig = database.config;
  console.log(`database: ${dbConfig.kind === "postgres" ? "PostgreSQL" : "embedded PGlite"}`);
  await applyMigrations(dbConfig);
  const gatewayPort = await freePort();
  const appUrl = `http://127.0.0.1:${gatewayPort}`;
  const envVars: Record<string, string> = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    ALLOW_EMBEDDED_DATABASE: "true",
    APP_URL: appUrl,
    AUTH_SECRET: "bench-only-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
    LOCAL_CHAIN_ID: String(chain.chainId),
    LOCAL_CHAIN_RPC_URL: chain.rpcUrl,
    LOCAL_TOKEN_ADDRESS: chain.tokenAddress,
    FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey,
    ...(await extraFacilitatorKeys(chain.publicClient)),
    ALLOW_PRIVATE_UPSTREAMS: "true",
    AUTO_APPROVE_MERCHANTS: "true",
    METRICS_TOKEN,
    // the gateway as deployed: metrics recorded and one JSON log line per request (to a file, as a
    // log shipper would read it); run (g) compares this with both switched off
    LOG_LEVEL: "info",
    METRICS_ENABLED: "true",
    // the gateway fleet as deployed (INSTANCE_ROLE=gateway: no Next.js in the process); (c3) is
    // the all-in-one instance
    INSTANCE_ROLE: "gateway",
  };
  const env = parseServerEnv(envVars);
  const { db, close } = createPrismaClient(dbConfig);
  const owner = await signUpWithPassword(
    { db },
    { name: "Bench", email: "bench@x402.local", password: "bench-password-123" },
  );
  const actor = { userId: owner.id, role: "OWNER" };
  const merchant = await createMerchant(
    { db, env },
    {
      userId: owner.id,
      actor,
      input: {
        name: "Bench API",
        upstreamBaseUrl: upstreamUrl,
        payoutAddress: accountFor("merchantWallet").address.toLowerCase(),
        settlementMode: "DIRECT",
      },
    },
  );
  await db.merchant.update({
    where: { id: merchant.id },
    data: {
      rateLimitPerMinute: 100_000_000,
      clientRateLimitPerMinute: 100_000_000,
      paidRateLimitPerMinute: 100_000_000,
      payerRateLimitPerMinute: 100_000_000,
      deferredSettlementOn: true,
    },
  });
  const priced = {
    method: "GET",
    price: "0.001",
    network: `eip155:${chain.chainId}`,
    asset: chain.tokenAddress,
  } as const;
  await createPricingRule(
    { db, env },
    { merchantId: merchant.id, actor, input: { ...priced, pathPattern: "/paid/*" } },
  );
  await createPricingRule(
    { db, env },
    {
      merchantId: merchant.id,
      actor,
      input: { ...priced, pathPattern: "/deferred/*", settlementPolicy: "DEFERRED" },
    },
  );
  await createPricingRule(
    { db, env },
    {
      merchantId: merchant.id,
      actor,
      input: { ...priced, pathPattern: "/before/*", settlementPolicy: "BEFORE_PROXY" },
    },
  );
  await createPricingRule(
    { db, env },
    {
      merchantId: merchant.id,
      actor,
      input: {
        ...priced,
        pathPattern: "/pass/*",
        billingMode: "TIME_PASS",
        passDurationSeconds: 3600,
      },
    },
  );
  await close();

  // the self-hosted server as `npm start` runs it ("node", the compiled .next/server-start.mjs); BENCH_NEXT_ONLY=1 measures `next start`
  // alone (the route handler, as on Vercel); "standalone" is the Docker image's server.js
  type ServerKind = "node" | "next" | "standalone";
  const defaultKind: ServerKind = process.env.BENCH_NEXT_ONLY === "1" ? "next" : "node";
  const serverCommand = (port: number, kind: ServerKind) =>
    kind === "next"
      ? (["npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"]] as const)
      : kind === "standalone"
        ? ([
            process.execPath,
            [...SERVER_NODE_FLAGS, path.resolve(".next/standalone/server.js")],
          ] as const)
        : ([
            process.execPath,
            [...SERVER_NODE_FLAGS, COMPILED_SERVER, "-p", String(port), "-H", "127.0.0.1"],
          ] as const);
  /** Starts a gateway server on `port` with extra env, its stdout (the JSON logs) going to `logFile`. */
  const startGateway = async (opts: {
    port: number;
    env?: Record<string, string>;
    logFile: string;
    nodeFlags?: string[];
    cwd?: string;
    kind?: ServerKind;
  }) => {
    const out = openSync(opts.logFile, "w");
    const [command, args] = serverCommand(opts.port, opts.kind ?? defaultKind);
    const child = spawn(
      command,
      command === process.execPath ? [...(opts.nodeFlags ?? []), ...args] : [...args],
      {
        cwd: opts.cwd,
        stdio: ["ignore", out, "inherit"],
        env: {
          ...process.env,
          ...envVars,
          APP_URL: `http://127.0.0.1:${opts.port}`,
          // what the standalone server.js listens on (as Next's own reads them)
          PORT: String(opts.port),
          HOSTNAME: "127.0.0.1",
          ...opts.env,
        },
      },
    );
    closeSync(out);
    children.push(child);
    await waitFor(`http://127.0.0.1:${opts.port}/api/health`);
    return {
      /** CPU seconds (user + system, all threads) the server process has used so far (Linux). */
      cpuSeconds: () => cpuSecondsOf(child.pid),
      /** The server process's resident set in MB (Linux). */
      rssMb: () => rssMbOf(child.pid),
      stop: () =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    };
  };
  const freeOnly = process.env.BENCH_FREE_ONLY === "1";
  // BENCH_FREE_ONLY=1 with BENCH_CPU_PROF_DIR: a CPU profile of the main server across (c)
  // (BENCH_SETTLE_ONLY=1 with it: a profile of the paid rows, under settle/; BENCH_NODE_FLAGS: more
  // node flags for it, e.g. --heapsnapshot-signal=SIGUSR2 to look at its memory)
  const settleOnly = process.env.BENCH_SETTLE_ONLY === "1";
  const mainFlags = [
    ...((freeOnly || settleOnly) && PROFILE_DIR
      ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, freeOnly ? "free" : "settle")}`]
      : []),
    ...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
  ];
  // BENCH_GATEWAY_TREE=<dir>: the main gateway from another checkout (with node_modules and .next
  // linked in), e.g. the tree before a change, measured by this same harness on the same schema
  const gateway = await startGateway({
    port: gatewayPort,
    logFile: path.join(dataDir, "gateway-main.log"),
    nodeFlags: mainFlags,
    cwd: process.env.BENCH_GATEWAY_TREE,
  });
  const gatewayBase = `${appUrl}/${merchant.id}`;
  await waitFor(`${gatewayBase}/free/btc`);

  /**
   * BENCH_FREE_ONLY=1 BENCH_BASELINE_TREE=<dir>: the free path of this tree against another checkout
   * of the project (e.g. main's, with node_modules and .next linked in), both servers up side by
   * side and loaded in alternating 2 s bursts (ABBA, as (g)), so the machine's load hits both
   * alike; whole runs one after the other differed by ±30 % on the shared machine.
   */
  const compareWithBaseline = async (baselineTree: string) => {
    const rounds = Number(process.env.BENCH_BASELINE_ROUNDS ?? 3);
    const BURST_S = 2;
    const bursts = Math.max(1, Math.round(DURATION_S / BURST_S));
    const trees = { this: process.cwd(), baseline: baselineTree } as const;
    const ports = { this: await freePort(), baseline: await freePort() };
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const procs = Object.fromEntries(
        await Promise.all(
          (["this", "baseline"] as const).map(async (tree) => {
            const env: Record<string, string> = { DATABASE_URL: await database.copy(tree) };
            const server = await startGateway({
              port: ports[tree],
              env,
              cwd: trees[tree],
              logFile: path.join(dataDir, `gateway-${tree}-${round}.log`),
            });
            return [
              tree,
              { server, url: `http://127.0.0.1:${ports[tree]}/${merchant.id}/free/btc` },
            ] as const;
          }),
        ),
      ) as Record<
        "this" | "baseline",
        { server: Awaited<ReturnType<typeof startGateway>>; url: string }
      >;
      for (const tree of ["this", "baseline"] as const) {
        await waitFor(procs[tree].url);
        await autocannon({ url: procs[tree].url, connections: CONNECTIONS, duration: 5 });
      }
      const totals = {
        this: { requests: 0, seconds: 0, cpu: 0, p50s: [] as number[] },
        baseline: { requests: 0, seconds: 0, cpu: 0, p50s: [] as number[] },
      };
      for (let burst = 0; burst < bursts; burst++) {
        for (const tree of (burst + round) % 2 === 0
          ? (["this", "baseline"] as const)
          : (["baseline", "this"] as const)) {
          const t = totals[tree];
          const cpuBefore = procs[tree].server.cpuSeconds();
          const from = Date.now();
          const result = await autocannon({
            url: procs[tree].url,
            connections: CONNECTIONS,
            duration: BURST_S,
          });
          t.seconds += (Date.now() - from) / 1000;
          t.cpu += (procs[tree].server.cpuSeconds() ?? Number.NaN) - (cpuBefore ?? Number.NaN);
          t.requests += result.requests.total;
          t.p50s.push(result.latency.p50);
          if (result.non2xx + result.errors > 0)
            console.log(`${tree}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        }
      }
      const line = (tree: "this" | "baseline") => {
        const t = totals[tree];
        const p50 = [...t.p50s].sort((x, y) => x - y)[Math.floor(t.p50s.length / 2)] as number;
        return { rps: t.requests / t.seconds, p50, cpuUs: (t.cpu * 1e6) / t.requests };
      };
      const [mine, base] = [line("this"), line("baseline")];
      ratios.push(mine.rps / base.rps);
      console.log(
        `round ${round + 1}: this ${mine.rps.toFixed(0)} req/s p50 ${mine.p50} ms CPU ${mine.cpuUs.toFixed(1)} µs/req | baseline ${base.rps.toFixed(0)} req/s p50 ${base.p50} ms CPU ${base.cpuUs.toFixed(1)} µs/req | this/baseline ${(mine.rps / base.rps).toFixed(3)}`,
      );
      await Promise.all([procs.this.server.stop(), procs.baseline.server.stop()]);
    }
    console.log(
      `this/baseline throughput, median of ${rounds} rounds: ${([...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)] as number).toFixed(3)}`,
    );
  };

  /**
   * A second server's free path, on its own copy of the database (the main server must be stopped
   * by then): its CPU per request and its RSS after the load, then BENCH_SOAK_S of soak when `soak`
   * is set. (c2) is the Docker image's server (`npm run build:standalone`: Next's standalone
   * server.js with our front door, the gateway served by the route handler as on Vercel) as a
   * gateway-only instance; (c3) is `npm start` as one all-in-one instance (INSTANCE_ROLE=all, the
   * README's first command in production: Next.js in the same process as the gateway).
   */
  const measureSecondServer = async (
    row: { label: string; name: string; kind: ServerKind; role: "gateway" | "all"; what: string },
    soak: boolean,
  ) => {
    if (row.kind === "standalone") prepareStandalone();
    const port = await freePort();
    const server = await startGateway({
      port,
      kind: row.kind,
      env: { INSTANCE_ROLE: row.role, DATABASE_URL: await database.copy(row.name) },
      logFile: path.join(dataDir, `gateway-${row.name}.log`),
      nodeFlags: PROFILE_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, row.name)}`]
        : [],
    });
    const url = `http://127.0.0.1:${port}/${merchant.id}/free/btc`;
    await waitFor(url);
    const rssIdle = server.rssMb();
    const from = Date.now();
    const m = await measure(row.label, { url, duration: DURATION_S }, server.cpuSeconds);
    const to = Date.now();
    const rss = server.rssMb();
    console.log(
      `${"".padEnd(26)} ${row.what}: RSS ${rssIdle?.toFixed(0) ?? "?"} MB before the load, ${rss?.toFixed(0) ?? "?"} MB after`,
    );
    const soaked = soak ? await soakAndReport(url, server.rssMb, row.name) : null;
    const stoppedAt = Date.now();
    await server.stop();
    if (PROFILE_DIR)
      writeFileSync(
        path.join(PROFILE_DIR, row.name, "window.json"),
        JSON.stringify({ stoppedAt, windows: [[from, to]], requests: m.total }),
      );
    return { ...m, rssMb: rss, rssIdleMb: rssIdle, soak: soaked };
  };
  const measureStandalone = (soak: boolean) =>
    measureSecondServer(
      {
        label: "(c2) free, standalone",
        name: "standalone",
        kind: "standalone",
        role: "gateway",
        what: "standalone server.js, INSTANCE_ROLE=gateway, route handler",
      },
      soak,
    );
  const measureAllInOne = (soak: boolean) =>
    measureSecondServer(
      {
        label: "(c3) free, all-in-one",
        name: "all_in_one",
        kind: "node",
        role: "all",
        what: "npm start, INSTANCE_ROLE=all (Next.js loaded)",
      },
      soak,
    );

  // BENCH_FREE_ONLY=1 runs (a), (b), (c) alone, with the gateway's CPU time per request on (c)
  // (BENCH_NEXT_ONLY=1 as well: (c) is the route handler under `next start`, as on Vercel)
  if (freeOnly) {
    console.log(
      `\n${CONNECTIONS} connections, ${DURATION_S}s per target${process.env.BENCH_NEXT_ONLY === "1" ? " (route handler under next start)" : ""}\n`,
    );
    const a = await measure("(a) upstream direct", {
      url: `${upstreamUrl}/free/btc`,
      duration: DURATION_S,
    });
    const bareFrom = Date.now();
    const b = await measure(
      "(b) bare Node proxy",
      { url: `http://127.0.0.1:${bare.port}/free/btc`, duration: DURATION_S },
      () => cpuSecondsOf(bare.child.pid),
    );
    const from = Date.now();
    const c = await measure(
      "(c) gateway free path",
      { url: `${gatewayBase}/free/btc`, duration: DURATION_S },
      gateway.cpuSeconds,
    );
    const to = Date.now();
    const cpuUsPerRequest = c.cpuUsPerRequest ?? Number.NaN;
    const ratios = {
      cOverB: c.requestsPerSec / b.requestsPerSec,
      cP50MinusBP50: c.p50 - b.p50,
      bOverA: b.requestsPerSec / a.requestsPerSec,
    };
    const rssAfterC = gateway.rssMb();
    console.log(
      `\nthroughput c/b = ${ratios.cOverB.toFixed(2)} (aim ≥ 0.60)   c.p50 − b.p50 = ${ratios.cP50MinusBP50.toFixed(1)} ms (aim ≤ 2 ms)   b/a = ${ratios.bOverA.toFixed(2)}   CPU per request c/b = ${(cpuUsPerRequest / (b.cpuUsPerRequest ?? Number.NaN)).toFixed(2)}   RSS ${rssAfterC?.toFixed(0) ?? "?"} MB`,
    );
    const soakNode =
      SOAK_SECONDS > 0 && !process.env.BENCH_SOAK_SERVER
        ? await soakAndReport(`${gatewayBase}/free/btc`, gateway.rssMb, "npm-start")
        : null;
    const stoppedAt = Date.now();
    await gateway.stop();
    const standalone = await measureStandalone(
      SOAK_SECONDS > 0 && process.env.BENCH_SOAK_SERVER === "standalone",
    );
    const allInOne = await measureAllInOne(
      SOAK_SECONDS > 0 && process.env.BENCH_SOAK_SERVER === "all_in_one",
    );
    console.log(
      `route handler (standalone) / node path: c2/c = ${(standalone.requestsPerSec / c.requestsPerSec).toFixed(2)} (aim ≥ 0.50)   CPU per request c2/c = ${((standalone.cpuUsPerRequest ?? Number.NaN) / cpuUsPerRequest).toFixed(2)}\n` +
        `all-in-one (Next.js in the process) / bare proxy: c3/b = ${(allInOne.requestsPerSec / b.requestsPerSec).toFixed(2)}   CPU per request c3/c = ${((allInOne.cpuUsPerRequest ?? Number.NaN) / cpuUsPerRequest).toFixed(2)}`,
    );
    mkdirSync("test-results", { recursive: true });
    writeFileSync(
      "test-results/bench-free.json",
      JSON.stringify(
        {
          at: new Date().toISOString(),
          connections: CONNECTIONS,
          durationSeconds: DURATION_S,
          results: [a, b, { ...c, rssMb: rssAfterC, soak: soakNode }, standalone, allInOne],
          ratios: {
            ...ratios,
            c2OverC: standalone.requestsPerSec / c.requestsPerSec,
            c3OverB: allInOne.requestsPerSec / b.requestsPerSec,
          },
        },
        null,
        2,
      ),
    );
    if (PROFILE_DIR) {
      const bareStoppedAt = Date.now();
      await new Promise<void>((resolve) => {
        bare.child.once("exit", () => resolve());
        bare.child.kill("SIGTERM");
      });
      writeFileSync(
        path.join(PROFILE_DIR, "bare", "window.json"),
        JSON.stringify({
          stoppedAt: bareStoppedAt,
          windows: [[bareFrom, from]],
          requests: b.total,
        }),
      );
    }
    if (process.env.BENCH_BASELINE_TREE)
      await compareWithBaseline(path.resolve(process.env.BENCH_BASELINE_TREE));
    // the profile's clock is not the wall clock: its end is the stop, which places (c)'s window in it
    if (PROFILE_DIR)
      writeFileSync(
        path.join(PROFILE_DIR, "free", "window.json"),
        JSON.stringify({ stoppedAt, windows: [[from, to]], requests: c.total }),
      );
    await chain.stop();
    return;
  }

  // (g) metrics and logging on vs off, on the free path. Each round starts two servers side by side,
  // one as deployed and one with METRICS_ENABLED=false and LOG_LEVEL=silent (both read once at
  // startup; an embedded database opens in one process, so each gets its own copy of it), warms
  // both, then loads them in alternating bursts (on, off, off, on, …): whatever else the machine is
  // doing hits both modes alike, which whole runs one after the other did not ensure. The median of
  // the rounds' on/off ratios is reported (each round is a fresh pair of processes).
  const compareObservability = async () => {
    // (e) left DEFERRED payments for the settlement queue: (g)'s servers start from copies of this
    // database and would each settle them again, so the main server works the queue off first
    const drained = await waitForDeferredQueue(appUrl);
    if (drained.depth > 0)
      console.log(
        `(g) starts with ${drained.depth} deferred settlements still queued after ${drained.seconds.toFixed(0)} s: its servers will work on them too`,
      );
    else if (drained.seconds >= 1)
      console.log(
        `(g) waited ${drained.seconds.toFixed(0)} s for the deferred settlement queue to empty`,
      );
    await gateway.stop();
    // rounds on a quiet 2-core machine spread by ±5 % around their median: five keep one odd
    // round from deciding the result (BENCH_OBS_ROUNDS to change)
    const OBS_ROUNDS = Number(process.env.BENCH_OBS_ROUNDS ?? 5);
    const BURST_S = 2;
    const bursts = Math.max(1, Math.round(DURATION_S / BURST_S));
    const modes = {
      on: { METRICS_ENABLED: "true", LOG_LEVEL: "info" },
      off: { METRICS_ENABLED: "false", LOG_LEVEL: "silent" },
    } as const;
    const observed: Record<"on" | "off", Measured[]> = { on: [], off: [] };
    const ports = { on: gatewayPort, off: await freePort() };
    let logLines = 0;
    for (let round = 0; round < OBS_ROUNDS; round++) {
      const started = await Promise.all(
        (["on", "off"] as const).map(async (mode) => {
          // each server on its own copy of the database (the copies' queues are their own)
          const env: Record<string, string> = {
            ...modes[mode],
            DATABASE_URL: await database.copy(mode),
          };
          // BENCH_CPU_PROF_DIR=<dir>: a V8 CPU profile of each gateway process (one directory per
          // process: the module loader's thread writes a profile of its own), with the bursts' times
          const profileFlags = PROFILE_DIR
            ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, `${mode}-${round}`)}`]
            : [];
          const logFile = path.join(dataDir, `gateway-${mode}-${round}.log`);
          const server = await startGateway({
            port: ports[mode],
            env,
            logFile,
            nodeFlags: profileFlags,
          });
          return [
            mode,
            { server, logFile, url: `http://127.0.0.1:${ports[mode]}/${merchant.id}/free/btc` },
          ] as const;
        }),
      );
      const procs = Object.fromEntries(started) as Record<
        "on" | "off",
        { server: Awaited<ReturnType<typeof startGateway>>; logFile: string; url: string }
      >;
      // fresh processes: let the JIT and the database warm up before the measured bursts
      for (const mode of ["on", "off"] as const) {
        await waitFor(procs[mode].url);
        await autocannon({ url: procs[mode].url, connections: CONNECTIONS, duration: 7 });
      }
      const totals = {
        on: {
          requests: 0,
          seconds: 0,
          cpu: 0,
          latencies: [] as number[],
          errors: 0,
          non2xx: 0,
          windows: [] as [number, number][],
        },
        off: {
          requests: 0,
          seconds: 0,
          cpu: 0,
          latencies: [] as number[],
          errors: 0,
          non2xx: 0,
          windows: [] as [number, number][],
        },
      };
      for (let burst = 0; burst < bursts; burst++) {
        // ABBA order (on off off on …), so a steady drift during the round favours neither mode
        const order =
          (burst + round) % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
        for (const mode of order) {
          const t = totals[mode];
          const cpuBefore = procs[mode].server.cpuSeconds();
          const from = Date.now();
          const result = await autocannon({
            url: procs[mode].url,
            connections: CONNECTIONS,
            duration: BURST_S,
          });
          const to = Date.now();
          const cpuAfter = procs[mode].server.cpuSeconds();
          t.requests += result.requests.total;
          t.seconds += (to - from) / 1000;
          t.cpu += cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : Number.NaN;
          t.latencies.push(result.latency.p50);
          t.errors += result.errors + result.timeouts;
          t.non2xx += result.non2xx;
          t.windows.push([from, to]);
        }
      }
      for (const mode of ["on", "off"] as const) {
        const t = totals[mode];
        const sortedP50 = [...t.latencies].sort((x, y) => x - y);
        const m: Measured = {
          name: `(g) free, observability ${mode}`,
          requestsPerSec: t.requests / t.seconds,
          p50: sortedP50[Math.floor(sortedP50.length / 2)] as number,
          p99: Number.NaN,
          non2xx: t.non2xx,
          errors: t.errors,
          total: t.requests,
          cpuUsPerRequest: (t.cpu * 1e6) / t.requests,
        };
        observed[mode].push(m);
        console.log(
          `${m.name.padEnd(26)} ${m.requestsPerSec.toFixed(0).padStart(8)} req/s   p50 ${m.p50.toFixed(1).padStart(6)} ms (median of ${bursts} bursts)   non-2xx ${m.non2xx}   errors ${m.errors}   gateway CPU ${(m.cpuUsPerRequest ?? Number.NaN).toFixed(1)} µs/request`,
        );
      }
      console.log(
        `${"".padEnd(26)} round ${round + 1}: on/off = ${((observed.on.at(-1) as Measured).requestsPerSec / (observed.off.at(-1) as Measured).requestsPerSec).toFixed(3)}`,
      );
      await Promise.all(
        (["on", "off"] as const).map(async (mode) => {
          const stoppedAt = Date.now();
          await procs[mode].server.stop();
          if (PROFILE_DIR)
            writeFileSync(
              path.join(PROFILE_DIR, `${mode}-${round}`, "window.json"),
              JSON.stringify({
                stoppedAt,
                windows: totals[mode].windows,
                requests: totals[mode].requests,
              }),
            );
          if (mode === "on")
            logLines += readFileSync(procs[mode].logFile, "utf8")
              .split("\n")
              .filter((l) => l.includes('"msg":"gateway request"')).length;
        }),
      );
    }
    const medianOf = (runs: Measured[]) =>
      [...runs].sort((x, y) => x.requestsPerSec - y.requestsPerSec)[
        Math.floor(runs.length / 2)
      ] as Measured;
    const gOn = medianOf(observed.on);
    const gOff = medianOf(observed.off);
    const pairRatios = observed.on.map(
      (on, i) => on.requestsPerSec / (observed.off[i] as Measured).requestsPerSec,
    );
    const pairedRatio = [...pairRatios].sort((x, y) => x - y)[
      Math.floor(pairRatios.length / 2)
    ] as number;
    const onRequests = observed.on.reduce((sum, m) => sum + m.total, 0);
    const cpuOf = (runs: Measured[]) => {
      const values = runs
        .map((m) => m.cpuUsPerRequest)
        .filter((v): v is number => v !== undefined && Number.isFinite(v))
        .sort((x, y) => x - y);
      return values.length ? (values[Math.floor(values.length / 2)] as number) : null;
    };
    const [cpuOn, cpuOff] = [cpuOf(observed.on), cpuOf(observed.off)];
    const cpuLine =
      cpuOn !== null && cpuOff !== null
        ? `; gateway CPU per request (medians) ${cpuOn.toFixed(1)} / ${cpuOff.toFixed(1)} µs = ${(cpuOn / cpuOff).toFixed(3)}`
        : "";
    const line =
      `observability on/off (free path, ${OBS_ROUNDS} rounds of ${bursts}+${bursts} alternating ${BURST_S}s bursts): median of the rounds' ratios = ${pairedRatio.toFixed(3)} (aim ≥ 0.95; rounds ${pairRatios.map((r) => r.toFixed(3)).join(", ")}); ` +
      `medians ${gOn.requestsPerSec.toFixed(0)} / ${gOff.requestsPerSec.toFixed(0)} req/s = ${(gOn.requestsPerSec / gOff.requestsPerSec).toFixed(3)}; ` +
      `"on" wrote ${logLines} request log lines for ${onRequests} measured requests (plus warm-up)${cpuLine}`;
    return { gOn, gOff, observed, line, pairedRatio };
  };

  // BENCH_OBSERVABILITY_ONLY=1 runs (g) alone (the paid targets sign thousands of payments first)
  if (process.env.BENCH_OBSERVABILITY_ONLY === "1") {
    const only = await compareObservability();
    console.log(`\n${only.line}`);
    mkdirSync("test-results", { recursive: true });
    writeFileSync(
      "test-results/bench-observability.json",
      JSON.stringify(
        {
          at: new Date().toISOString(),
          connections: CONNECTIONS,
          durationSeconds: DURATION_S,
          results: [...only.observed.off, ...only.observed.on],
          pairedRatio: only.pairedRatio,
          medianRatio: only.gOn.requestsPerSec / only.gOff.requestsPerSec,
        },
        null,
        2,
      ),
    );
    await chain.stop();
    return;
  }

  // sign payments ahead: one EIP-3009 authorization per request
  const challengeOf = (pathname: string) => challengeAt(`${gatewayBase}${pathname}`);
  const payer = accountFor("demoPayer");
  const signPayments = (requirements: Requirements, count: number) =>
    signPaymentsAhead(payer, chain.chainId, requirements, count);
  console.log(`signing ${PAID_REQUESTS} payments ahead for each paid target…`);
  const payments = await signPayments(
    (await challengeOf("/paid/btc")).requirements,
    PAID_REQUESTS + SERIAL_PAID_REQUESTS,
  );
  const deferredPayments = await signPayments(
    (await challengeOf("/deferred/btc")).requirements,
    PAID_REQUESTS,
  );
  const beforeProxyPayments = await signPayments(
    (await challengeOf("/before/btc")).requirements,
    PAID_REQUESTS,
  );
  const price = BigInt((await challengeOf("/paid/btc")).requirements.amount);
  const merchantWallet = accountFor("merchantWallet").address;

  /**
   * The on-chain check after a paid row: waits (up to 2 min) until the merchant wallet holds one
   * more price per 2xx answer than before the row (AFTER_SUCCESS settles after answering, DEFERRED
   * in the background queue), and prints how many made it.
   */
  const checkOnChain = async (
    m: Measured,
    balanceBefore: bigint,
  ): Promise<{ paidCalls: number; settled: number; seconds: number }> => {
    const paidCalls = m.total - m.non2xx;
    const started = Date.now();
    let settled = 0;
    for (;;) {
      settled =
        Number(
          (await usdcBalance(chain.publicClient, chain.tokenAddress, merchantWallet)) -
            balanceBefore,
        ) / Number(price);
      if (settled >= paidCalls || Date.now() - started > 120_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${"".padEnd(26)} on chain: ${settled} of ${paidCalls} paid calls settled${seconds >= 0.5 ? ` (${seconds.toFixed(1)} s after the last answer)` : ""}${settled === paidCalls && m.non2xx + m.errors === 0 ? "" : "   ← MISMATCH OR FAILURES"}`,
    );
    return { paidCalls, settled, seconds };
  };
  const merchantBalance = () => usdcBalance(chain.publicClient, chain.tokenAddress, merchantWallet);
  const eachPayment = (list: string[]) => {
    let next = 0;
    return [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          headers: { ...req.headers, "payment-signature": list[next++ % list.length] as string },
        }),
      },
    ];
  };
  /** The gateway's JSON-RPC calls so far, per method (from its metrics). */
  const rpcCalls = async (): Promise<Map<string, number>> => {
    const res = await fetch(`${appUrl}/api/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const counts = new Map<string, number>();
    for (const s of parsePrometheusText(await res.text()))
      if (s.name === "x402_chain_rpc_requests_total")
        counts.set(s.labels.method ?? "?", (counts.get(s.labels.method ?? "?") ?? 0) + s.value);
    return counts;
  };
  /** Transactions committed in the bench's PostgreSQL database so far (null on PGlite). */
  const dbCommits = (): number | null => {
    if (dbConfig.kind !== "postgres") return null;
    const name = new URL(databaseUrl).pathname.slice(1);
    const out = execFileSync("psql", [
      ...["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc"],
      `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '${name}'`,
    ]);
    return Number(out.toString().trim());
  };
  const measurePaid = async (name: string, pathname: string, list: string[]) => {
    const before = await merchantBalance();
    const rpcBefore = await rpcCalls();
    const [cpuBefore, commitsBefore] = [gateway.cpuSeconds(), dbCommits()];
    const m = await measure(name, {
      url: `${gatewayBase}${pathname}`,
      amount: list.length,
      requests: eachPayment(list),
      // a paid call answered late still settles: the client waits for it, so the on-chain check counts it
      timeout: 120,
    });
    const onChain = await checkOnChain(m, before);
    // what each paid call cost, settlement included (DEFERRED: once its queue drained): the chain
    // node's JSON-RPC calls, the gateway's CPU and the database's transactions (statistics are
    // flushed by PostgreSQL within a second or so)
    if (pathname.startsWith("/deferred")) await waitForDeferredQueue(appUrl);
    await new Promise((r) => setTimeout(r, 1500));
    const rpcPerCall = [...(await rpcCalls())]
      .map(([method, n]) => [method, (n - (rpcBefore.get(method) ?? 0)) / m.total] as const)
      .filter(([, n]) => n >= 0.01)
      .sort((x, y) => y[1] - x[1]);
    const [cpuAfter, commitsAfter] = [gateway.cpuSeconds(), dbCommits()];
    const cpuMsPerCall =
      cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / m.total : null;
    const dbTransactionsPerCall =
      commitsBefore !== null && commitsAfter !== null
        ? (commitsAfter - commitsBefore) / m.total
        : null;
    console.log(
      `${"".padEnd(26)} per call: gateway CPU ${cpuMsPerCall?.toFixed(2) ?? "?"} ms, database transactions ${dbTransactionsPerCall?.toFixed(2) ?? "?"}, JSON-RPC ${rpcPerCall.map(([k, n]) => `${k} ${n.toFixed(2)}`).join(", ")}`,
    );
    return {
      ...m,
      onChain,
      cpuMsPerCall,
      dbTransactionsPerCall,
      rpcPerCall: Object.fromEntries(rpcPerCall),
    };
  };
  if (process.env.BENCH_SETTLE_ONLY === "1") {
    console.log(`\n${CONNECTIONS} connections (paid: ${PAID_REQUESTS} requests each)\n`);
    const paid = await measurePaid(
      "(d) paid, AFTER_SUCCESS",
      "/paid/btc",
      payments.slice(0, PAID_REQUESTS),
    );
    const beforeProxy = await measurePaid(
      "(d2) paid, BEFORE_PROXY",
      "/before/btc",
      beforeProxyPayments,
    );
    const deferred = await measurePaid("(e) paid, DEFERRED", "/deferred/btc", deferredPayments);
    mkdirSync("test-results", { recursive: true });
    writeFileSync(
      "test-results/bench-settle.json",
      JSON.stringify(
        {
          at: new Date().toISOString(),
          connections: CONNECTIONS,
          results: [paid, beforeProxy, deferred],
        },
        null,
        2,
      ),
    );
    await gateway.stop();
    await chain.stop();
    return;
  }

  // (f): the payer buys a one-hour pass once, then each call carries a fresh Sign-In-With-X proof
  const passChallenge = await challengeOf("/pass/btc");
  const [passPayment] = await signPayments(passChallenge.requirements, 1);
  const bought = await fetch(`${gatewayBase}/pass/btc`, {
    headers: { "payment-signature": passPayment as string },
  });
  if (bought.status !== 200) throw new Error(`buying the time pass failed with ${bought.status}`);
  const siwx = passChallenge.extensions["sign-in-with-x"] as { info: Record<string, unknown> };
  const proofs: string[] = [];
  for (let i = 0; i < PAID_REQUESTS; i++) {
    const info = {
      ...siwx.info,
      nonce: randomBytes(16).toString("hex"),
      issuedAt: new Date().toISOString(),
      chainId: `eip155:${chain.chainId}`,
      type: "eip191",
    } as Parameters<typeof createSIWxPayload>[0];
    proofs.push(encodeSIWxHeader(await createSIWxPayload(info, payer, `${gatewayBase}/pass/btc`)));
  }

  console.log(
    `\n${CONNECTIONS} connections, ${DURATION_S}s per target (paid: ${PAID_REQUESTS} requests)\n`,
  );
  const a = await measure("(a) upstream direct", {
    url: `${upstreamUrl}/free/btc`,
    duration: DURATION_S,
  });
  const b = await measure(
    "(b) bare Node proxy",
    { url: `http://127.0.0.1:${bare.port}/free/btc`, duration: DURATION_S },
    () => cpuSecondsOf(bare.child.pid),
  );
  const c = await measure(
    "(c) gateway free path",
    { url: `${gatewayBase}/free/btc`, duration: DURATION_S },
    gateway.cpuSeconds,
  );
  const rssAfterC = gateway.rssMb();
  console.log(
    `${"".padEnd(26)} npm start's server: RSS ${rssAfterC?.toFixed(0) ?? "?"} MB after (c)`,
  );
  const soakNode =
    SOAK_SECONDS > 0
      ? await soakAndReport(`${gatewayBase}/free/btc`, gateway.rssMb, "npm-start")
      : null;
  const d = await measurePaid(
    "(d) gateway paid path",
    "/paid/btc",
    payments.slice(0, PAID_REQUESTS),
  );
  const d2 = await measurePaid("(d2) paid, BEFORE_PROXY", "/before/btc", beforeProxyPayments);

  let nextProof = 0;
  const f = await measure("(f) time pass (SIWX)", {
    url: `${gatewayBase}/pass/btc`,
    amount: PAID_REQUESTS,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: {
            ...req.headers,
            "sign-in-with-x": proofs[nextProof++ % proofs.length] as string,
          },
        }),
      },
    ],
  });
  const e = await measurePaid("(e) paid, DEFERRED", "/deferred/btc", deferredPayments);

  const c1 = await measure("(c1) free, 1 connection", {
    url: `${gatewayBase}/free/btc`,
    duration: 5,
    connections: 1,
  });
  const d1 = await measure("(d1) paid, 1 connection", {
    url: `${gatewayBase}/paid/btc`,
    amount: SERIAL_PAID_REQUESTS,
    connections: 1,
    requests: eachPayment(payments.slice(PAID_REQUESTS)),
  });

  const {
    gOn,
    gOff,
    observed,
    line: observabilityLine,
    pairedRatio,
  } = await compareObservability();
  // (c2) after (g), which stopped the main server: the standalone server.js copies its database
  const standalone = await measureStandalone(false);
  const allInOne = await measureAllInOne(false);
  const scale = await compareScale();

  const ratios = {
    cOverB: c.requestsPerSec / b.requestsPerSec,
    cP50MinusBP50: c.p50 - b.p50,
    cpuPerRequestCOverB: (c.cpuUsPerRequest ?? Number.NaN) / (b.cpuUsPerRequest ?? Number.NaN),
    c2OverC: standalone.requestsPerSec / c.requestsPerSec,
    c3OverB: allInOne.requestsPerSec / b.requestsPerSec,
    dOverC: d.requestsPerSec / c.requestsPerSec,
    dP50MinusCP50: d.p50 - c.p50,
    bOverA: b.requestsPerSec / a.requestsPerSec,
    unloadedPaidP50MinusFreeP50: d1.p50 - c1.p50,
    eOverC: e.requestsPerSec / c.requestsPerSec,
    eP50MinusCP50: e.p50 - c.p50,
    fOverC: f.requestsPerSec / c.requestsPerSec,
    fP50MinusCP50: f.p50 - c.p50,
    observabilityOnOverOff: pairedRatio,
    observabilityMedianOnOverOff: gOn.requestsPerSec / gOff.requestsPerSec,
    ...scale.ratios,
  };
  console.log(
    `\nthroughput c/b = ${ratios.cOverB.toFixed(2)} (aim ≥ 0.60)   c.p50 − b.p50 = ${ratios.cP50MinusBP50.toFixed(1)} ms (aim ≤ 2 ms)   CPU per request c/b = ${ratios.cpuPerRequestCOverB.toFixed(2)}   d/c = ${ratios.dOverC.toFixed(2)}   b/a = ${ratios.bOverA.toFixed(2)}\n` +
      `route handler (standalone server.js, gateway-only) c2/c = ${ratios.c2OverC.toFixed(2)} (aim ≥ 0.50)   all-in-one npm start (Next.js loaded) c3/b = ${ratios.c3OverB.toFixed(2)}\n` +
      `memory     npm start RSS after (c) ${rssAfterC?.toFixed(0) ?? "?"} MB${soakNode ? `, soak ${soakNode.seconds} s: max ${soakNode.maxMb.toFixed(0)} MB, ${soakNode.settledMb?.toFixed(0) ?? "?"} → ${soakNode.lastMb?.toFixed(0) ?? "?"} MB (${soakNode.flat ? "flat" : "growing"})` : ""}; standalone RSS ${standalone.rssIdleMb?.toFixed(0) ?? "?"} MB idle, ${standalone.rssMb?.toFixed(0) ?? "?"} MB after (c2) (aim < 300)\n` +
      `latency    d.p50 − c.p50 = ${ratios.dP50MinusCP50.toFixed(1)} ms (aim ≤ 10 ms); unloaded d1.p50 − c1.p50 = ${ratios.unloadedPaidP50MinusFreeP50.toFixed(1)} ms\n` +
      `deferred   e/c = ${ratios.eOverC.toFixed(2)} (aim ≥ 0.50)   e.p50 − c.p50 = ${ratios.eP50MinusCP50.toFixed(1)} ms (aim ≤ 2 ms)\n` +
      `time pass  f/c = ${ratios.fOverC.toFixed(2)} (aim ≥ 0.50)   f.p50 − c.p50 = ${ratios.fP50MinusCP50.toFixed(1)} ms (aim ≤ 2 ms)\n` +
      `${observabilityLine}\n` +
      scale.line,
  );
  mkdirSync("test-results", { recursive: true });
  writeFileSync(
    "test-results/bench.json",
    JSON.stringify(
      {
        at: new Date().toISOString(),
        connections: CONNECTIONS,
        durationSeconds: DURATION_S,
        results: [
          a,
          b,
          { ...c, rssMb: rssAfterC, soak: soakNode },
          standalone,
          allInOne,
          d,
          d2,
          e,
          f,
          c1,
          d1,
          ...observed.off,
          ...observed.on,
          ...scale.results,
        ],
        ratios,
      },
      null,
      2,
    ),
  );
  await chain.stop();
}

/** set once the bench's database exists: dropped at the end, whatever happened */
let dropDatabase: () => Promise<void> = async () => undefined;

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    const exited = children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once("exit", resolve)));
    for (const child of children) child.kill("SIGTERM");
    // the servers hold connections to the database: it is dropped once they are gone
    await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 15_000))]);
    await dropDatabase().catch((err: unknown) => console.error(err));
    setTimeout(() => process.exit(), 500).unref();
  });
