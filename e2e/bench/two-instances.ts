// Line (h) of `npm run bench`: the gateway as a horizontally scaled deployment. Two `npm start`
// instances share one PostgreSQL database and one Redis (rate limits, cache invalidation) behind
// the bench's own round-robin proxy (bare-proxy-process.ts with two targets); the same proxy in
// front of one instance is the comparison. Free and paid paths, the same load for each.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";

import pg from "pg";

import { accountFor } from "@/server/chain/accounts";
import { COMPILED_SERVER, SERVER_NODE_FLAGS } from "@/server/cli/build-server";
import { freePort } from "@/server/chain/anvil";
import { createPrismaClient } from "@/server/db/client";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { createMerchant } from "@/server/merchants/merchants";
import { createPricingRule } from "@/server/pricing/rules";
import { startTestRedis } from "@/server/testing/redis";
import { signUpWithPassword } from "@/server/users/users";

import {
  BENCH_POSTGRES,
  challengeOf,
  children,
  DURATION_S,
  eachOnce,
  measure,
  PAID_REQUESTS,
  signPayments,
  startChild,
  waitFor,
  type Measured,
} from "./bench-kit";

const POSTGRES = BENCH_POSTGRES;

export type ScaleResult = {
  results: Measured[];
  ratios: { freeTwoOverOne: number; paidTwoOverOne: number };
  line: string;
};

export async function measureTwoInstances(opts: {
  chain: { chainId: number; rpcUrl: string; tokenAddress: string };
  upstreamUrl: string;
  logDir: string;
}): Promise<ScaleResult> {
  const database = `x4g_bench_scale_${Date.now()}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = `${POSTGRES}/${database}`;
  const stopped: Promise<void>[] = [];
  const mine: ChildProcess[] = [];
  // the bench's own redis-server unless one is named
  const ownRedis = process.env.BENCH_REDIS_URL ? null : await startTestRedis();
  const REDIS_URL = process.env.BENCH_REDIS_URL ?? ownRedis!.url;
  try {
    await applyMigrations({ kind: "postgres", url: databaseUrl });
    const [portA, portB] = [await freePort(), await freePort()];
    const envVars: Record<string, string> = {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: `x4g:bench:${Date.now()}:`,
      APP_URL: `http://127.0.0.1:${portA}`,
      AUTH_SECRET: "bench-only-auth-secret-0123456789abcdefghij",
      ENCRYPTION_KEY: "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
      LOCAL_CHAIN_ID: String(opts.chain.chainId),
      LOCAL_CHAIN_RPC_URL: opts.chain.rpcUrl,
      LOCAL_TOKEN_ADDRESS: opts.chain.tokenAddress,
      FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey,
      ALLOW_PRIVATE_UPSTREAMS: "true",
      AUTO_APPROVE_MERCHANTS: "true",
      LOG_LEVEL: "info",
      METRICS_ENABLED: "true",
    };
    const env = parseServerEnv(envVars);
    const { db, close } = createPrismaClient({ kind: "postgres", url: databaseUrl });
    const owner = await signUpWithPassword(
      { db },
      { name: "Bench", email: "bench-scale@x402.local", password: "bench-password-123" },
    );
    const actor = { userId: owner.id, role: "OWNER" };
    const merchant = await createMerchant(
      { db, env },
      {
        userId: owner.id,
        actor,
        input: {
          name: "Bench API",
          upstreamBaseUrl: opts.upstreamUrl,
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
      },
    });
    await createPricingRule(
      { db, env },
      {
        merchantId: merchant.id,
        actor,
        input: {
          method: "GET",
          price: "0.001",
          network: `eip155:${opts.chain.chainId}`,
          asset: opts.chain.tokenAddress,
          pathPattern: "/paid/*",
        },
      },
    );
    await close();

    mkdirSync(opts.logDir, { recursive: true });
    const startInstance = async (port: number, name: string) => {
      const out = openSync(path.join(opts.logDir, `${name}.log`), "w");
      const child = spawn(
        process.execPath,
        [...SERVER_NODE_FLAGS, COMPILED_SERVER, "-p", String(port), "-H", "127.0.0.1"],
        { stdio: ["ignore", out, "inherit"], env: { ...process.env, ...envVars } },
      );
      closeSync(out);
      children.push(child);
      mine.push(child);
      await waitFor(`http://127.0.0.1:${port}/api/health`, 120_000);
    };
    await Promise.all([startInstance(portA, "scale-a"), startInstance(portB, "scale-b")]);
    const one = await startChild(["e2e/bench/bare-proxy-process.ts", `http://127.0.0.1:${portA}`]);
    const two = await startChild([
      "e2e/bench/bare-proxy-process.ts",
      `http://127.0.0.1:${portA}`,
      `http://127.0.0.1:${portB}`,
    ]);
    mine.push(one.child, two.child);
    const base = (proxyPort: number) => `http://127.0.0.1:${proxyPort}/${merchant.id}`;
    // both instances load the merchant before the measured runs
    for (let i = 0; i < 4; i++) await waitFor(`${base(two.port)}/free/btc`);

    const { requirements } = await challengeOf(`${base(one.port)}/paid/btc`);
    console.log(`signing ${2 * PAID_REQUESTS} payments ahead for line (h)…`);
    const payments = await signPayments(
      accountFor("demoPayer"),
      opts.chain.chainId,
      requirements,
      2 * PAID_REQUESTS,
    );

    const freeOne = await measure("(h1) free, 1 instance", {
      url: `${base(one.port)}/free/btc`,
      duration: DURATION_S,
    });
    const freeTwo = await measure("(h2) free, 2 instances", {
      url: `${base(two.port)}/free/btc`,
      duration: DURATION_S,
    });
    const paidOne = await measure("(h3) paid, 1 instance", {
      url: `${base(one.port)}/paid/btc`,
      amount: PAID_REQUESTS,
      requests: eachOnce("payment-signature", payments.slice(0, PAID_REQUESTS)),
    });
    const paidTwo = await measure("(h4) paid, 2 instances", {
      url: `${base(two.port)}/paid/btc`,
      amount: PAID_REQUESTS,
      requests: eachOnce("payment-signature", payments.slice(PAID_REQUESTS)),
    });
    const ratios = {
      freeTwoOverOne: freeTwo.requestsPerSec / freeOne.requestsPerSec,
      paidTwoOverOne: paidTwo.requestsPerSec / paidOne.requestsPerSec,
    };
    const line =
      `two instances / one (PostgreSQL + Redis, round-robin proxy): free ${freeTwo.requestsPerSec.toFixed(0)} / ${freeOne.requestsPerSec.toFixed(0)} req/s = ${ratios.freeTwoOverOne.toFixed(2)}, ` +
      `paid ${paidTwo.requestsPerSec.toFixed(0)} / ${paidOne.requestsPerSec.toFixed(0)} req/s = ${ratios.paidTwoOverOne.toFixed(2)} ` +
      `(${cpus().length} cores shared by the instances, the proxy, autocannon, PostgreSQL and anvil)`;
    return { results: [freeOne, freeTwo, paidOne, paidTwo], ratios, line };
  } finally {
    for (const child of mine) {
      stopped.push(
        new Promise<void>((resolve) =>
          child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
        ),
      );
      child.kill("SIGTERM");
    }
    await Promise.all(stopped);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await ownRedis?.stop();
  }
}
