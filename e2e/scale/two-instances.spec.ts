import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";

import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import pg from "pg";

import { accountFor } from "../../server/chain/accounts";
import { readE2EState } from "../fixtures/env";

// Horizontal scale, as deployed: two `npm start` servers from the production build on their own
// ports, one PostgreSQL database and one Redis, the facilitator key shared. Nothing is faked: the
// payment, the rate limit, the cache invalidation and the background jobs go through the real
// instances, and the database is read to see what they recorded.

const POSTGRES = process.env.SCALE_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";
const SLOW_UPSTREAM_MS = 2_000;
const ENCRYPTION_KEY = "c2NhbGUtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=";

type World = {
  shopId: string;
  changingRuleId: string;
  apiKey: string;
  limitedId: string;
  payoutAddress: string;
};
type Instance = { url: string; pid: number; child: ChildProcess; exited: Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** The merchants' API: JSON echo, and /slow/* answers after SLOW_UPSTREAM_MS. */
function startUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const answer = () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    };
    if (req.url?.startsWith("/slow/")) setTimeout(answer, SLOW_UPSTREAM_MS);
    else answer();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

function runTsx(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}: ${err}`)),
    );
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

const state = readE2EState();
let database = "";
let db: pg.Client;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let a: Instance;
let b: Instance;

async function startInstance(port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "server/cli/start.ts", "-p", String(port), "-H", "127.0.0.1"],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...env },
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return { url, pid: child.pid ?? 0, child, exited };
}

async function paymentFor(url: string): Promise<string> {
  const unpaid = await fetch(url);
  expect(unpaid.status).toBe(402);
  const required = decodePaymentRequiredHeader(unpaid.headers.get("payment-required") ?? "");
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor("demoPayer") });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${state.chainId}`,
        asset: state.tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  return encodePaymentSignatureHeader(await client.createPaymentPayload(required));
}

async function priceAt(url: string): Promise<string | undefined> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return decodePaymentRequiredHeader(res.headers.get("payment-required") ?? "").accepts[0]?.amount;
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

test.describe.configure({ mode: "serial" });

test.describe("two instances on one PostgreSQL and one Redis", () => {
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    database = `x4g_scale_${Date.now()}_${process.pid}`;
    const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const databaseUrl = `${POSTGRES}/${database}`;
    upstream = await startUpstream();
    world = JSON.parse(
      (
        await runTsx(
          [
            "e2e/scale/prepare-world.ts",
            databaseUrl,
            upstream.url,
            String(state.chainId),
            state.tokenAddress,
          ],
          { ENCRYPTION_KEY },
        )
      )
        .trim()
        .split("\n")
        .pop() ?? "{}",
    ) as World;
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();

    const [portA, portB] = [await freePort(), await freePort()];
    const env = {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.SCALE_REDIS_URL ?? state.redisUrl,
      REDIS_KEY_PREFIX: `x4g:scale:${randomBytes(6).toString("hex")}:`,
      // behind one load balancer both answer for the same public origin
      APP_URL: `http://127.0.0.1:${portA}`,
      AUTH_SECRET: "scale-only-auth-secret-0123456789abcdefghij",
      ENCRYPTION_KEY,
      LOCAL_CHAIN_ID: String(state.chainId),
      LOCAL_CHAIN_RPC_URL: state.rpcUrl,
      LOCAL_TOKEN_ADDRESS: state.tokenAddress,
      FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey,
      ALLOW_PRIVATE_UPSTREAMS: "true",
      BACKGROUND_JOBS: "in-process",
      LOG_LEVEL: "warn",
    };
    [a, b] = await Promise.all([startInstance(portA, env), startInstance(portB, env)]);
  });

  test.afterAll(async () => {
    for (const instance of [a, b]) {
      if (instance && instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill("SIGTERM");
        await instance.exited;
      }
    }
    await db?.end();
    await upstream?.close();
    if (database) {
      const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });

  test("one payment sent to both instances at once is charged once", async () => {
    const header = await paymentFor(`${a.url}/${world.shopId}/paid/once`);
    const answers = await Promise.all(
      [a, b].map((i) =>
        fetch(`${i.url}/${world.shopId}/paid/once`, { headers: { "payment-signature": header } }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    const bodies = await Promise.all(answers.map((r) => r.json() as Promise<{ error?: unknown }>));
    expect(statuses).toEqual([200, 402]);
    // the loser gets x402's PaymentRequired body naming the reason
    expect(bodies.find((_, i) => answers[i]?.status === 402)?.error).toBe("payment_replayed");
    expect(
      await count(`SELECT count(*) AS n FROM "Payment" WHERE "merchantId" = $1`, [world.shopId]),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM "Payment" WHERE "merchantId" = $1 AND status = 'SETTLED' AND "txHash" IS NOT NULL`,
        [world.shopId],
      ),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM "LedgerEntry" WHERE "merchantId" = $1 AND type = 'CHARGE'`,
        [world.shopId],
      ),
    ).toBe(1);
  });

  test("the rate limit counts calls to both instances", async () => {
    // the merchant allows 6 calls a minute; ten calls alternate between the instances
    const statuses: { instance: string; status: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const instance = i % 2 === 0 ? a : b;
      const res = await fetch(`${instance.url}/${world.limitedId}/free/${i}`);
      await res.arrayBuffer();
      statuses.push({ instance: instance === a ? "a" : "b", status: res.status });
    }
    expect(statuses.filter((s) => s.status === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s.status === 429)).toHaveLength(4);
    // each instance refused calls the other had counted
    expect(
      statuses
        .filter((s) => s.status === 429)
        .map((s) => s.instance)
        .sort(),
    ).toEqual(["a", "a", "b", "b"]);
  });

  test("a pricing rule changed through one instance is enforced by the other within a second", async () => {
    const onB = `${b.url}/${world.shopId}/changing/x`;
    expect(await priceAt(onB)).toBe("10000"); // B has the rule cached now (the cache lives 5 s)
    const changed = await fetch(
      `${a.url}/api/v1/merchants/${world.shopId}/pricing-rules/${world.changingRuleId}`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${world.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          data: {
            pathPattern: "/changing/*",
            method: "GET",
            price: "0.02",
            network: `eip155:${state.chainId}`,
            asset: state.tokenAddress,
          },
        }),
      },
    );
    expect(changed.status).toBe(200);
    const changedAt = Date.now();
    let seenAfterMs = Number.POSITIVE_INFINITY;
    while (Date.now() - changedAt < 5_000) {
      if ((await priceAt(onB)) === "20000") {
        seenAfterMs = Date.now() - changedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    test.info().annotations.push({ type: "propagation", description: `${seenAfterMs} ms` });
    console.log(`the rule change was enforced by the other instance after ${seenAfterMs} ms`);
    expect(seenAfterMs).toBeLessThan(1_000);
  });

  test("a scheduled job runs once across both instances, not once per instance", async () => {
    const job = "evaluate-alerts"; // due every minute: between our nudges it would not run by itself
    const runCount = () =>
      count(`SELECT "runCount" AS n FROM "BackgroundJob" WHERE name = $1`, [job]);
    await expect.poll(runCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const runners = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const before = await runCount();
      await db.query(`UPDATE "BackgroundJob" SET "nextRunAt" = 'epoch' WHERE name = $1`, [job]);
      await expect.poll(runCount, { timeout: 10_000 }).toBe(before + 1);
      // both schedulers look twice a second: give the other several chances to run it again
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await runCount()).toBe(before + 1);
      const { rows } = await db.query<{ lastRunBy: string }>(
        `SELECT "lastRunBy" FROM "BackgroundJob" WHERE name = $1`,
        [job],
      );
      runners.add(rows[0]?.lastRunBy ?? "");
    }
    for (const runner of runners)
      expect([`:${a.pid}:`, `:${b.pid}:`].some((pid) => runner.includes(pid))).toBe(true);
  });

  test("killing one instance loses nothing in flight on the other, which takes over its jobs", async () => {
    test.setTimeout(90_000);
    const slowUrl = `${b.url}/${world.shopId}/slow/report`;
    const header = await paymentFor(slowUrl);
    const paidCall = fetch(slowUrl, { headers: { "payment-signature": header } });
    const freeCalls = Array.from({ length: 20 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 50)).then(() =>
        fetch(`${b.url}/${world.shopId}/free/${i}`),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill("SIGKILL");
    await a.exited;
    const killedAt = new Date();

    const paid = await paidCall;
    expect(paid.status).toBe(200);
    expect(paid.headers.get("payment-response")).toBeTruthy();
    expect(await paid.json()).toMatchObject({ ok: true, path: "/slow/report" });
    const free = await Promise.all(freeCalls);
    expect(free.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(
      await count(
        `SELECT count(*) AS n FROM "Payment" WHERE "merchantId" = $1 AND status = 'SETTLED'`,
        [world.shopId],
      ),
    ).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM "LedgerEntry" WHERE "merchantId" = $1 AND type = 'CHARGE'`,
        [world.shopId],
      ),
    ).toBe(2);

    // whatever job the dead instance held is released when its lease lapses (15 s) and run by the survivor
    await expect
      .poll(
        () =>
          count(`SELECT count(*) AS n FROM "BackgroundJob" WHERE "lockedBy" LIKE $1`, [
            `%:${a.pid}:%`,
          ]),
        { timeout: 30_000, intervals: [500] },
      )
      .toBe(0);
    await expect
      .poll(
        () =>
          count(
            `SELECT count(*) AS n FROM "BackgroundJob" WHERE name = 'settle-deferred-payments' AND "lastRunBy" LIKE $1 AND "lastFinishedAt" > $2`,
            [`%:${b.pid}:%`, killedAt.toISOString().replace("Z", "")],
          ),
        { timeout: 30_000 },
      )
      .toBe(1);
  });
});
