import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import type { Readable } from "node:stream";

import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { decodePaymentRequiredHeader, decodePaymentResponseHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import pg from "pg";
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  toHex,
  type Address,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { freePort } from "../../server/chain/anvil";
import { localChainDefinition } from "../../server/chain/local-chain";
import { mintTestUsdc } from "../../server/chain/test-usdc";
import { prepareStandalone } from "../../server/cli/prepare-standalone";
import { createPrismaClient } from "../../server/db/client";
import { parseServerEnv } from "../../server/env";
import { createMerchant } from "../../server/merchants/merchants";
import { createPricingRule } from "../../server/pricing/rules";
import { startTestUpstream } from "../../server/testing/upstream";
import { signUpWithPassword } from "../../server/users/users";
import { readE2EState } from "../fixtures/env";

// The deploy as the Dockerfile ships it: the standalone server (`node server.js`: our front door
// bundled in front of Next's handler by `npm run build:standalone`, no tsx, no full node_modules) on a fresh PostgreSQL database migrated by the deploy step
// (`npm run db:migrate`), configured with only the variables the README's production table lists
// plus the local chain's. It uses the `next build` the suite ran before Playwright and builds
// nothing itself. The chain is the suite's anvil (e2e/serve.ts); this server gets its own
// facilitator key so its settlements never race the suite's server for a nonce.

const ROOT = process.cwd();
const POSTGRES_SERVER_URL =
  process.env.E2E_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

type Server = {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  exited: Promise<number | null>;
};

function startStandalone(dir: string, env: Record<string, string>): Server {
  // nothing inherited: a variable the README does not list must not make the test pass
  const child = spawn(process.execPath, [path.join(dir, "server.js")], {
    cwd: dir,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

async function stopStandalone(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  await server.exited;
}

/** Resolves once the server answers /api/health, rejects if it exits first. */
async function waitForHealth(server: Server, baseUrl: string): Promise<void> {
  let exitedWith: number | null | undefined;
  void server.exited.then((code) => (exitedWith = code));
  for (;;) {
    if (exitedWith !== undefined)
      throw new Error(`the standalone server exited (${exitedWith}):\n${server.output()}`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The deploy step (vercel.json's buildCommand, the compose file's migrate service). */
function migrate(serverEnv: Record<string, string>): void {
  const migrateEnv: Record<string, string> = { ...serverEnv, PATH: process.env.PATH ?? "" };
  const run = spawnSync("npm", ["run", "db:migrate"], {
    cwd: ROOT,
    env: migrateEnv as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toMatch(/applied \d+ migration\(s\)/);
}

type RawResponse = { status: number; headers: Record<string, string>; body: string };

/** The payload of a chunked body (sizes in hex, each chunk followed by CRLF, a zero-size chunk last). */
function dechunk(raw: string): string {
  let body = "";
  let rest = raw;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/**
 * Writes `request` as bytes on a fresh socket and reads the answer until the server closes the
 * connection (fetch refuses TRACE and CONNECT and cannot send a malformed request line). Rejects
 * when the connection ends without a complete response: a dropped connection fails the test.
 */
function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (split === -1 || !statusLine) {
        reject(
          new Error(
            `the connection closed without a response (${JSON.stringify(text)}) for ${JSON.stringify(request.slice(0, 80))}`,
          ),
        );
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, split).split("\r\n").slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const raw = text.slice(split + 4);
      resolve({
        status: Number(statusLine[1]),
        headers,
        body: headers["transfer-encoding"] === "chunked" ? dechunk(raw) : raw,
      });
    });
    socket.write(request);
  });
}

test.describe("the standalone production server (the Docker image's entry point)", () => {
  test("serves a paid call end to end on PostgreSQL with only the documented variables, and each INSTANCE_ROLE refuses the other's routes", async () => {
    test.setTimeout(180_000);
    const { rpcUrl, chainId, tokenAddress, redisUrl } = readE2EState();
    const token = tokenAddress.toLowerCase() as Address;
    const network = `eip155:${chainId}` as const;
    expect(
      LOCAL_HOSTS.has(new URL(POSTGRES_SERVER_URL).hostname),
      "creates and drops a database: local PostgreSQL only",
    ).toBe(true);

    const standaloneDir = prepareStandalone(ROOT);
    const database = `x4g_standalone_${randomBytes(4).toString("hex")}`;
    const databaseUrl = withDatabase(POSTGRES_SERVER_URL, database);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const chain = localChainDefinition(chainId, rpcUrl);
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl) }) as PublicClient;
    const fund = async (address: Address) =>
      publicClient.request({
        method: "anvil_setBalance" as never,
        params: [address, toHex(parseEther("10"))] as never,
      });
    const facilitatorKey = generatePrivateKey();
    await fund(privateKeyToAccount(facilitatorKey).address);

    // README "Production environment": the required variables, and the optional ones a Docker
    // deployment sets (REDIS_URL, LOG_LEVEL, PORT/HOSTNAME of Next's server). CRON_SECRET is what a
    // Vercel deployment adds for the cron route. The chain: anvil instead of NETWORKS_JSON, and an
    // upstream on 127.0.0.1, which production refuses unless ALLOW_PRIVATE_UPSTREAMS.
    const serverEnv: Record<string, string> = {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      APP_URL: baseUrl,
      CRON_SECRET: randomBytes(24).toString("hex"),
      FACILITATOR_PRIVATE_KEY: facilitatorKey,
      // the facilitator API is off by default in production; on, it wants its callers' tokens
      FACILITATOR_API_ENABLED: "true",
      FACILITATOR_API_TOKENS: randomBytes(24).toString("hex"),
      REDIS_URL: redisUrl,
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      LOCAL_CHAIN_ID: String(chainId),
      LOCAL_CHAIN_RPC_URL: rpcUrl,
      LOCAL_TOKEN_ADDRESS: token,
      ALLOW_PRIVATE_UPSTREAMS: "true",
    };

    const upstream = await startTestUpstream();
    let server: Server | undefined;
    await adminQuery(`CREATE DATABASE "${database}"`);
    try {
      migrate(serverEnv);

      // one merchant with a paid route, seeded through the domain functions (the console's path)
      const handle = createPrismaClient({ kind: "postgres", url: databaseUrl });
      const merchantWallet = privateKeyToAccount(
        generatePrivateKey(),
      ).address.toLowerCase() as Address;
      let merchantId: string;
      try {
        const deps = {
          db: handle.db,
          env: parseServerEnv({ ...serverEnv, AUTO_APPROVE_MERCHANTS: "true" }),
        };
        const owner = await signUpWithPassword(deps, {
          name: "Owner",
          email: `owner-${database}@x402.local`,
          password: "a long enough password",
        });
        const actor = { userId: owner.id, role: "OWNER" } as const;
        const merchant = await createMerchant(deps, {
          userId: owner.id,
          actor,
          input: {
            name: "Standalone Signals",
            upstreamBaseUrl: upstream.url,
            payoutAddress: merchantWallet,
            settlementMode: "DIRECT",
          },
        });
        await createPricingRule(deps, {
          merchantId: merchant.id,
          actor,
          input: {
            pathPattern: "/api/signal/*",
            method: "GET",
            price: "0.01",
            network,
            asset: token,
          },
        });
        merchantId = merchant.id;
      } finally {
        await handle.close();
      }

      server = startStandalone(standaloneDir, serverEnv);
      await waitForHealth(server, baseUrl);

      // pages come with their static assets, which Next leaves out of .next/standalone
      const login = await fetch(`${baseUrl}/login`);
      expect(login.status).toBe(200);
      const asset = /\/_next\/static\/[^"'\s]+\.(?:js|css)/.exec(await login.text())?.[0];
      expect(asset, "the login page references a static chunk").toBeDefined();
      expect((await fetch(`${baseUrl}${asset}`)).status).toBe(200);
      const url = `${baseUrl}/${merchantId}/api/signal/btc`;

      const unpaid = await fetch(url);
      expect(unpaid.status).toBe(402);
      const required = decodePaymentRequiredHeader(unpaid.headers.get("payment-required") ?? "");
      expect(required.accepts).toEqual([
        expect.objectContaining({
          scheme: "exact",
          network,
          asset: token,
          amount: "10000",
          payTo: merchantWallet,
        }),
      ]);
      expect(upstream.seen).toHaveLength(0);

      const payerKey = generatePrivateKey();
      const payer = privateKeyToAccount(payerKey);
      await fund(payer.address);
      await mintTestUsdc(
        createWalletClient({ account: payer, chain, transport: http(rpcUrl) }),
        publicClient,
        token,
        payer.address,
        "1",
      );
      const client = new x402Client();
      registerExactEvmScheme(client, { signer: payer });
      client.setSpendControls({
        allowedAssets: [{ network, asset: token, maxAmountPerPayment: "10000" }],
      });
      const paid = await wrapFetchWithPayment(fetch, client)(url);
      expect(paid.status, server.output()).toBe(200);
      expect(await paid.json()).toMatchObject({
        symbol: "BTC",
        paidBy: payer.address.toLowerCase(),
      });
      const settlement = decodePaymentResponseHeader(paid.headers.get("payment-response") ?? "");
      expect(settlement).toMatchObject({ success: true, network });
      expect(settlement.payer?.toLowerCase()).toBe(payer.address.toLowerCase());

      // the record in PostgreSQL and the money on chain agree with the header
      const check = new pg.Client({ connectionString: databaseUrl });
      await check.connect();
      try {
        const { rows } = await check.query<{
          status: string;
          txHash: string | null;
          payer: string;
        }>(`SELECT status, "txHash", payer FROM "Payment" WHERE "merchantId" = $1`, [merchantId]);
        expect(rows).toEqual([
          { status: "SETTLED", txHash: settlement.transaction, payer: payer.address.toLowerCase() },
        ]);
      } finally {
        await check.end();
      }
      expect(
        await publicClient.readContract({
          address: token,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [merchantWallet],
        }),
      ).toBe(10_000n);

      // the same build as a gateway fleet and as a console fleet (INSTANCE_ROLE): each refuses the
      // other's routes with a JSON 404, and both answer the probes
      const refusedAs = async (res: Response, role: string) => {
        expect(res.status, `${res.url} on a ${role} instance`).toBe(404);
        expect(await res.json()).toMatchObject({
          error: { code: "not_found", message: expect.stringContaining(`INSTANCE_ROLE=${role}`) },
        });
      };
      for (const role of ["gateway", "console"] as const) {
        await stopStandalone(server);
        server = startStandalone(standaloneDir, { ...serverEnv, INSTANCE_ROLE: role });
        await waitForHealth(server, baseUrl);
        expect((await fetch(`${baseUrl}/api/ready`)).status).toBe(200);
        const gatewayCalls = [
          fetch(url),
          fetch(`${baseUrl}/api/facilitator/supported`, {
            headers: { authorization: `Bearer ${serverEnv.FACILITATOR_API_TOKENS}` },
          }),
        ];
        const consoleCalls = [
          fetch(`${baseUrl}/login`),
          fetch(`${baseUrl}/docs`),
          fetch(`${baseUrl}/api/trpc/auth.me`),
          fetch(`${baseUrl}/api/v1/openapi.json`),
          fetch(`${baseUrl}/api/auth/csrf`),
        ];
        const [served, refused] =
          role === "gateway" ? [gatewayCalls, consoleCalls] : [consoleCalls, gatewayCalls];
        for (const res of await Promise.all(refused)) await refusedAs(res, role);
        for (const res of await Promise.all(served))
          expect(res.status, `${res.url} on a ${role} instance`).not.toBe(404);
      }
    } finally {
      if (server) await stopStandalone(server);
      await upstream.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });

  test("answers requests Next cannot (TRACE, TRACK, CONNECT, OPTIONS *, bad escapes, oversized headers, malformed HTTP) with a 4xx and the one error body", async () => {
    test.setTimeout(120_000);
    const standaloneDir = prepareStandalone(ROOT);
    const database = `x4g_frontdoor_${randomBytes(4).toString("hex")}`;
    const port = await freePort();
    const serverEnv: Record<string, string> = {
      NODE_ENV: "production",
      DATABASE_URL: withDatabase(POSTGRES_SERVER_URL, database),
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      APP_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    };
    await adminQuery(`CREATE DATABASE "${database}"`);
    let server: Server | undefined;
    try {
      migrate(serverEnv);
      server = startStandalone(standaloneDir, serverEnv);
      await waitForHealth(server, `http://127.0.0.1:${port}`);
      const merchantLike = `mer_${"a".repeat(21)}`;
      // [what is sent, the status and error code expected]; each request asks for the connection to
      // close, so the answer ends with it
      const cases: [name: string, request: string, status: number, code: string][] = [
        [
          "TRACE",
          "TRACE /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          405,
          "method_not_allowed",
        ],
        // node's HTTP parser does not know TRACK: refused as malformed HTTP before any handler
        [
          "TRACK",
          "TRACK /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          400,
          "invalid_request",
        ],
        [
          "TRACE on a gateway path",
          `TRACE /${merchantLike}/api/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
          405,
          "method_not_allowed",
        ],
        [
          "CONNECT",
          "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
          405,
          "method_not_allowed",
        ],
        [
          "OPTIONS *",
          "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          400,
          "invalid_request",
        ],
        [
          "a malformed percent-escape",
          "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          400,
          "invalid_request",
        ],
        [
          "a malformed escape on a gateway path",
          `GET /${merchantLike}/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
          400,
          "invalid_request",
        ],
        [
          "an over-long header",
          `GET /login HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`,
          431,
          "invalid_request",
        ],
        [
          "a malformed request line",
          "GET /login HTTP/1.1 trailing\r\nHost: x\r\n\r\n",
          400,
          "invalid_request",
        ],
        ["a request line that is not HTTP", "HELLO\r\n\r\n", 400, "invalid_request"],
      ];
      for (const [name, request, status, code] of cases) {
        const res = await rawRequest(port, request);
        expect(res.status, `${name}: ${res.body}`).toBe(status);
        expect(res.headers["content-type"], name).toMatch(/^application\/json/);
        expect(JSON.parse(res.body), name).toEqual({
          error: { code, message: expect.any(String) },
        });
      }
      // the absolute form a proxy may send is served like its path, and the server still serves
      const absolute = await rawRequest(
        port,
        `GET http://127.0.0.1:${port}/api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect(absolute.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    } finally {
      if (server) await stopStandalone(server);
      await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });

  test("refuses to start on a database that lacks this build's migrations, naming the command", async () => {
    const standaloneDir = prepareStandalone(ROOT);
    const database = `x4g_unmigrated_${randomBytes(4).toString("hex")}`;
    const port = await freePort();
    await adminQuery(`CREATE DATABASE "${database}"`);
    const server = startStandalone(standaloneDir, {
      NODE_ENV: "production",
      DATABASE_URL: withDatabase(POSTGRES_SERVER_URL, database),
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      APP_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    });
    try {
      const code = await Promise.race([
        server.exited,
        new Promise<"still running">((resolve) =>
          setTimeout(() => resolve("still running"), 15_000),
        ),
      ]);
      expect(code, server.output()).toBe(1);
      expect(server.output()).toMatch(
        /x402 Gateway cannot start\. DATABASE_URL: none of this build's migrations are applied .*Run `npm run db:migrate`/,
      );
    } finally {
      await stopStandalone(server);
      await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  });

  test("refuses to start in production without DATABASE_URL, naming it", async () => {
    const standaloneDir = prepareStandalone(ROOT);
    const port = await freePort();
    const server = startStandalone(standaloneDir, {
      NODE_ENV: "production",
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      APP_URL: "https://gateway.example.com",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
    });
    try {
      // exits at boot (instrumentation.ts), not at the first request: nothing calls it here
      const code = await Promise.race([
        server.exited,
        new Promise<"still running">((resolve) =>
          setTimeout(() => resolve("still running"), 15_000),
        ),
      ]);
      expect(code, server.output()).not.toBe("still running");
      expect(code).not.toBe(0);
      expect(server.output()).toMatch(/DATABASE_URL: production requires a PostgreSQL URL/);
    } finally {
      await stopStandalone(server);
    }
  });
});
