// `npm run bench:stats`: how long the admin overview and dashboard queries take over 1 million usage
// records, on the embedded PGlite and on PostgreSQL (127.0.0.1:5432; a database created and dropped
// here). The rows are generated inside the database (generate_series), not through the client.
// Prints the median of 5 runs per query after a warm-up; writes test-results/bench-stats.json.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { adminListMerchants } from "@/server/admin/merchants";
import {
  getPlatformOverview,
  overviewActiveMerchants,
  overviewFeeIncome,
  overviewSeries,
  overviewTopEndpoints,
  overviewTopMerchants,
  overviewTotals,
  overviewWindow,
} from "@/server/admin/overview";
import { getErrorsReport } from "@/server/admin/payments";
import { ensureDailyRollups, rollupCut } from "@/server/admin/rollups";
import { getDashboard } from "@/server/billing/dashboard";
import { createPrismaClient, type PrismaClient } from "@/server/db/client";
import { applyMigrations, openBlankPglite, withDatabase } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";

import { seedStats } from "./stats-seed";

const ROWS = Number(process.env.BENCH_STATS_ROWS ?? 1_000_000);
const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const RUNS = 5;
const env = parseServerEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" });

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? Number.NaN;
}

async function measure(db: PrismaClient): Promise<Record<string, number>> {
  const deps = { db, env, now: () => new Date() };
  const week = overviewWindow(deps.now(), "week");
  const month = overviewWindow(deps.now(), "month");
  const day = overviewWindow(deps.now(), "day");
  // the first admin read after a deploy rolls up the whole history once; timed on its own
  const t = performance.now();
  const through = await ensureDailyRollups(deps);
  const rollupMs = performance.now() - t;
  const [cutDay, cutWeek, cutMonth] = [
    rollupCut(day, through),
    rollupCut(week, through),
    rollupCut(month, through),
  ];
  const queries: Record<string, () => Promise<unknown>> = {
    "overview totals (day)": () => overviewTotals(deps, day, cutDay),
    "overview totals (week)": () => overviewTotals(deps, week, cutWeek),
    "overview totals (month)": () => overviewTotals(deps, month, cutMonth),
    "overview series (month, daily)": () => overviewSeries(deps, month, cutMonth),
    "overview fee income (month)": () => overviewFeeIncome(deps, month, cutMonth),
    "overview top merchants (month)": () => overviewTopMerchants(deps, month, cutMonth),
    "overview top endpoints (month)": () => overviewTopEndpoints(deps, month, cutMonth),
    "overview series (day, hourly)": () => overviewSeries(deps, day, cutDay),
    "overview active merchants": () => overviewActiveMerchants(deps),
    "whole overview page (month)": () => getPlatformOverview(deps, { period: "month" }),
    "admin merchants list (30-day metrics)": () => adminListMerchants(deps, { limit: 25 }),
    "admin errors report (7 days)": () => getErrorsReport(deps, { days: 7 }),
    "merchant dashboard (one merchant)": () =>
      getDashboard(deps, { merchantId: "mer_00000000000000000001" }),
  };
  const out: Record<string, number> = { "first rollup of the history (once)": rollupMs };
  for (const [name, fn] of Object.entries(queries)) out[name] = await median(fn);
  return out;
}

async function onPglite() {
  const pglite = await openBlankPglite();
  try {
    await applyMigrations(pglite);
    const handle = createPrismaClient({ kind: "pglite", dataDir: null }, { pglite });
    try {
      const t = performance.now();
      await seedStats(handle.db, ROWS);
      console.log(
        `pglite: seeded ${ROWS.toLocaleString("en-US")} usage records in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      return await measure(handle.db);
    } finally {
      await handle.close();
    }
  } finally {
    await pglite.close();
  }
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function onPostgres() {
  const name = `x4g_bench_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  try {
    const url = withDatabase(POSTGRES_URL, name);
    await applyMigrations({ kind: "postgres", url });
    const handle = createPrismaClient({ kind: "postgres", url });
    try {
      const t = performance.now();
      await seedStats(handle.db, ROWS);
      console.log(
        `postgres: seeded ${ROWS.toLocaleString("en-US")} usage records in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      return await measure(handle.db);
    } finally {
      await handle.close();
    }
  } finally {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function main() {
  const targets = (process.env.BENCH_STATS_TARGETS ?? "pglite,postgres").split(",");
  const results: Record<string, Record<string, number>> = {};
  if (targets.includes("postgres")) results.postgres = await onPostgres();
  if (targets.includes("pglite")) results.pglite = await onPglite();
  const names = Object.keys(Object.values(results)[0] ?? {});
  const width = Math.max(...names.map((n) => n.length));
  console.log(`\nmedian of ${RUNS} runs, ${ROWS.toLocaleString("en-US")} usage records, ms`);
  console.log(
    `${"query".padEnd(width)}  ${Object.keys(results)
      .map((t) => t.padStart(9))
      .join("  ")}`,
  );
  for (const name of names)
    console.log(
      `${name.padEnd(width)}  ${Object.values(results)
        .map((r) => (r[name] ?? Number.NaN).toFixed(1).padStart(9))
        .join("  ")}`,
    );
  const dir = path.resolve("test-results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "bench-stats.json"),
    JSON.stringify({ rows: ROWS, runs: RUNS, results }, null, 2),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
