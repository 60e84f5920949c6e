import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/server/api-keys/api-keys";
import { createDemoUpstream } from "@/server/demo/upstream";
import { loadSigningSecrets } from "@/server/merchants/signing-secrets";
import { serveFetchHandler } from "@/server/http/node-adapter";
import type { ServerEnv } from "@/server/env";
import { createLogger } from "@/server/observability/logger";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  trpcErrorCode,
  useTestDatabase,
} from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";
import {
  encodeGatewayPaymentFacts,
  decodeGatewayPaymentFacts,
  gatewayVerification,
  type NodeRequestLike,
} from "@/sdk/src/verify";

import { handleGatewayRequest } from "./handle-request";

// Issue 12 end to end: the merchant's API can prove a call came through the gateway and was paid
// (signatures verified by the SDK's middlewares, the Python and Go snippets), injected upstream
// credentials reach the upstream and nothing else, and path mapping cannot leave the base path.

const database = useTestDatabase();
const logLines: string[] = [];
let h: GatewayHarness;
let owner: SessionUser;

const HEADER_SECRET = "hdr-secret-7f3a9c2e5b1d4068";
const QUERY_SECRET = "qry-secret-1b2c3d4e5f607182";

type Captured = { method: string; url: string; headers: Record<string, string> };

/** A fetch handler on a socket that records each request (as received) before handing it on. */
async function recording(handler: (req: Request) => Promise<Response>) {
  const seen: Captured[] = [];
  const server = await serveFetchHandler(async (req) => {
    const url = new URL(req.url);
    seen.push({
      method: req.method,
      url: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
    });
    return handler(req);
  });
  return { ...server, seen };
}

// the runtime holds the whole env; GatewayDeps only names the part the gateway reads
const fullEnv = () => h.runtime.env as ServerEnv;
const api = () =>
  callerFor(
    testDeps(database.db, {
      env: fullEnv(),
      log: h.runtime.log,
      gateway: (req, merchantId, opts) =>
        handleGatewayRequest(h.runtime, req, { merchantId, trace: opts?.trace }),
    }),
    owner,
  );

async function pointUpstreamAt(url: string, extra: { upstreamTimeoutMs?: number } = {}) {
  await database.db.merchant.update({
    where: { id: h.merchant.id },
    data: { upstreamBaseUrl: url, upstreamTimeoutMs: extra.upstreamTimeoutMs ?? 15_000 },
  });
  h.runtime.merchants.invalidate(h.merchant.id);
}

async function paidCall(path: string) {
  const payer = await h.newPayer();
  const requirements = await h.requirementsFor(path);
  const { header } = await h.signPayment(payer, requirements);
  const res = await h.call(path, { headers: { "payment-signature": header } });
  return { res, payer: payer.address.toLowerCase() };
}

beforeAll(async () => {
  const log = createLogger({
    level: "trace",
    destination: { write: (line: string) => void logLines.push(line) },
  });
  h = await createGatewayHarness(database.db, {
    log,
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/v1/quote/*",
        method: "ANY",
        price: "0.02",
        network: "",
        asset: "",
        upstreamPath: "/internal/pricing/*",
      },
    ],
  });
  owner = await merchantOwner(database.db, h.merchant.id);
});
afterAll(async () => {
  await h?.close();
});

describe("the demo upstream behind the SDK's Next.js middleware", () => {
  let demo: Awaited<ReturnType<typeof recording>>;
  beforeAll(async () => {
    demo = await recording(createDemoUpstream(() => testDeps(database.db, { env: fullEnv() })));
    await pointUpstreamAt(`${demo.url}/api/demo`);
  });
  afterAll(async () => {
    await demo?.close();
  });

  it("refuses a direct call with 401 and serves a paid call through the gateway, seeing the payer and payment id", async () => {
    const direct = await fetch(`${demo.url}/api/demo/api/signal/btc`);
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ error: "missing_signature" });

    const { res, payer } = await paidCall("/api/signal/btc");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      symbol: string;
      paidBy: string;
      paymentId: string;
      txHash: string;
    };
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer },
      orderBy: { createdAt: "desc" },
    });
    expect(body).toMatchObject({
      symbol: "BTC",
      paidBy: payer,
      paymentId: payment.id,
      txHash: "pending",
    });
    expect(payment.status).toBe("SETTLED");
    const facts = decodeGatewayPaymentFacts(demo.seen.at(-1)!.headers["x-gateway-payment"]!);
    expect(facts).toEqual({
      kind: "paid",
      paymentId: payment.id,
      payer,
      amount: "10000",
      asset: h.token,
      network: h.network,
      txHash: "pending",
      billingMode: "PER_REQUEST",
      settlementPolicy: "AFTER_SUCCESS",
    });
  });

  it("refuses a replayed or tampered signed request", async () => {
    expect((await h.call("/api/free/ping")).status).toBe(200);
    const captured = demo.seen.at(-1)!;
    const {
      host: _host,
      "content-length": _length,
      connection: _connection,
      ...headers
    } = captured.headers;
    const replay = await fetch(`${demo.url}${captured.url}`, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: "replayed" });

    const { res } = await paidCall("/api/signal/eth");
    expect(res.status).toBe(200);
    const paid = demo.seen.at(-1)!;
    const { host: _h, "content-length": _l, connection: _c, ...paidHeaders } = paid.headers;
    const facts = decodeGatewayPaymentFacts(paidHeaders["x-gateway-payment"]!)!;
    const forgedFacts = encodeGatewayPaymentFacts({
      ...facts,
      payer: "0x000000000000000000000000000000000000dead",
    } as typeof facts);
    const tampered = [
      fetch(`${demo.url}${paid.url}`, {
        headers: { ...paidHeaders, "x-gateway-payment": forgedFacts },
      }),
      fetch(`${demo.url}${paid.url.replace("/eth", "/sol")}`, { headers: paidHeaders }),
      fetch(`${demo.url}${paid.url}`, {
        headers: {
          ...paidHeaders,
          "x-gateway-signature": paidHeaders["x-gateway-signature"]!.replace(/v1=[0-9a-f]/, (m) =>
            m.endsWith("0") ? "v1=1" : "v1=0",
          ),
        },
      }),
    ];
    for (const r of await Promise.all(tampered)) {
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: "bad_signature" });
    }
  });

  it("the Python snippet (sdk/examples/python) verifies a real gateway signature and refuses replays, tampering and stale timestamps", async () => {
    const { res, payer } = await paidCall("/api/signal/sol");
    expect(res.status).toBe(200);
    const results = runSnippet(
      "python3",
      [path.resolve("sdk/examples/python/verify_gateway.py")],
      await snippetCases(demo.seen.at(-1)!),
    );
    expectSnippetResults(results, payer);
  });

  it("the Go snippet (sdk/examples/go) verifies a real gateway signature and refuses replays, tampering and stale timestamps", async () => {
    const { res, payer } = await paidCall("/api/signal/usdc");
    expect(res.status).toBe(200);
    const results = runSnippet(
      "go",
      ["run", path.resolve("sdk/examples/go/verify_gateway.go")],
      await snippetCases(demo.seen.at(-1)!),
    );
    expectSnippetResults(results, payer);
  }, 120_000);
});

/** The secrets the snippets hold, and the requests they are fed: the real one, its replay, two forgeries; then the real one an hour late. */
async function snippetCases(captured: Captured) {
  // the secrets the merchant copied from the console (decrypted here the way the gateway does)
  const held = (
    await loadSigningSecrets(
      { db: database.db, env: fullEnv(), now: () => new Date() },
      { merchantId: h.merchant.id },
    )
  ).map((s) => s.secret);
  const t = Number(/t=(\d+)/.exec(captured.headers["x-gateway-signature"]!)![1]);
  const forged = {
    ...captured.headers,
    "x-gateway-payment": encodeGatewayPaymentFacts({
      kind: "paid",
      paymentId: "pay_forged",
      payer: "0xdead",
      amount: "1",
      asset: "0x0",
      network: "eip155:1",
      txHash: "pending",
      billingMode: "PER_REQUEST",
      settlementPolicy: "AFTER_SUCCESS",
    }),
  };
  const request = { method: captured.method, url: captured.url, headers: captured.headers };
  return [
    {
      secrets: held,
      now: t,
      requests: [
        request,
        request,
        { ...request, headers: forged },
        { ...request, url: `${captured.url}x` },
      ],
    },
    { secrets: held, now: t + 3600, requests: [request] },
    { secrets: ["gws_not_the_merchants_secret"], now: t, requests: [request] },
  ];
}

function runSnippet(command: string, args: string[], cases: unknown[]): unknown[][] {
  return cases.map((input) => {
    try {
      const out = execFileSync(command, args, {
        input: JSON.stringify(input),
        encoding: "utf8",
        env: { ...process.env, GOCACHE: path.resolve(".data/go-cache"), GOFLAGS: "" },
      });
      return out
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        throw new Error(
          `${command} is not installed (Debian: apt-get install -y ${command === "go" ? "golang-go" : "python3"}; .ci/run installs it)`,
        );
      throw err;
    }
  });
}

function expectSnippetResults(results: unknown[][], payer: string) {
  expect(results[0]).toEqual([
    { ok: true, facts: expect.objectContaining({ kind: "paid", payer, txHash: "pending" }) },
    { ok: false, reason: "replayed" },
    { ok: false, reason: "bad_signature" },
    { ok: false, reason: "bad_signature" },
  ]);
  expect(results[1]).toEqual([{ ok: false, reason: "stale_timestamp" }]);
  expect(results[2]).toEqual([{ ok: false, reason: "bad_signature" }]);
}

describe("signing secret rotation, against an upstream using the SDK's Node (Express-style) middleware", () => {
  let configured: string[] = [];
  let server: http.Server;
  beforeAll(async () => {
    const verify = gatewayVerification({ secrets: () => configured });
    server = http.createServer((req, res) =>
      verify(req as NodeRequestLike, res, () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ facts: (req as NodeRequestLike).gateway }));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await pointUpstreamAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("keeps calls working during the overlap and refuses the old secret after it", async () => {
    const { secret: old } = await api().upstream.rotateSigningSecret({
      merchantId: h.merchant.id,
      overlapSeconds: 0,
    });
    configured = [old];
    expect((await h.call("/api/free/a")).status).toBe(200);
    // the secret is shown once
    expect(
      await trpcErrorCode(api().upstream.revealSigningSecret({ merchantId: h.merchant.id })),
    ).toBe("CONFLICT");

    const { secret: next } = await api().upstream.rotateSigningSecret({
      merchantId: h.merchant.id,
      overlapSeconds: 3600,
    });
    expect(next).not.toBe(old);
    expect(await api().upstream.signingSecret({ merchantId: h.merchant.id })).toMatchObject({
      previous: [{ expiresAt: expect.any(Date) }],
    });
    // the upstream still holds only the old secret: the gateway signs with both during the overlap
    expect((await h.call("/api/free/b")).status).toBe(200);
    configured = [next];
    expect((await h.call("/api/free/c")).status).toBe(200);

    // the overlap ends (as an hour later): the old secret no longer signs
    await database.db.gatewaySigningSecret.updateMany({
      where: { merchantId: h.merchant.id, expiresAt: { not: null } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    h.runtime.merchants.invalidate(h.merchant.id);
    configured = [old];
    const refused = await h.call("/api/free/d");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: "bad_signature" });
    configured = [next];
    const ok = await h.call("/api/free/e");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ facts: { ok: true, facts: { kind: "free" } } });
  });
});

describe("injected upstream credentials", () => {
  beforeAll(async () => {
    await pointUpstreamAt(h.upstream.url);
    await api().upstream.setCredential({
      merchantId: h.merchant.id,
      location: "HEADER",
      name: "X-Upstream-Key",
      value: HEADER_SECRET,
    });
    await api().upstream.setCredential({
      merchantId: h.merchant.id,
      location: "QUERY",
      name: "api_key",
      value: QUERY_SECRET,
    });
  });

  it("reach the upstream in place of the buyer's headers and parameters of the same names", async () => {
    const res = await h.call("/api/quiet/x?q=caf%C3%A9&api_key=buyer", {
      headers: { "x-upstream-key": "buyer-value", "X-Gateway-Payment": "forged" },
    });
    expect(res.status).toBe(200);
    const seen = h.upstream.seen.at(-1)!;
    expect(seen.headers["x-upstream-key"]).toBe(HEADER_SECRET);
    expect(seen.url).toBe(`/api/quiet/x?q=caf%C3%A9&api_key=${QUERY_SECRET}`);
    expect(seen.headers["x-gateway-payment"]).toBe(encodeGatewayPaymentFacts({ kind: "free" }));
  });

  it("the test call shows exactly what the upstream received, credentials masked", async () => {
    const result = await api().upstream.testCall({
      merchantId: h.merchant.id,
      method: "GET",
      path: "/api/quiet/test?x=1",
    });
    const seen = h.upstream.seen.at(-1)!;
    expect(result.upstreamRequest).not.toBeNull();
    const shown = Object.fromEntries(result.upstreamRequest!.headers);
    const received = Object.fromEntries(
      Object.entries(seen.headers).map(([k, v]) => [k, String(v)]),
    );
    expect({ ...received, "x-upstream-key": "••••4068" }).toMatchObject(
      Object.fromEntries(Object.entries(shown).filter(([k]) => k in received)),
    );
    expect(Object.keys(shown).sort()).toEqual(
      Object.keys(received)
        .filter((k) => !["host", "connection"].includes(k))
        .sort(),
    );
    expect(shown["x-upstream-key"]).toBe("••••4068");
    expect(shown["x-gateway-signature"]).toBe(received["x-gateway-signature"]);
    expect(result.upstreamRequest!.url).toBe(
      `${h.upstream.url}/api/quiet/test?x=1&api_key=••••7182`,
    );
    // a priced path answers 402 without reaching the upstream
    expect(
      (
        await api().upstream.testCall({
          merchantId: h.merchant.id,
          method: "GET",
          path: "/api/signal/btc",
        })
      ).upstreamRequest,
    ).toBeNull();
  });

  it("appear nowhere else: not in 402s, error bodies, logs, the access log or the console's API", async () => {
    const exposed: string[] = [];
    const collect = async (res: Response) => {
      exposed.push(
        String(res.status),
        JSON.stringify([...res.headers.entries()]),
        await res.text(),
      );
    };
    // 402 (JSON and the browser paywall) and a rejected payment
    await collect(await h.call("/api/signal/btc"));
    await collect(await h.call("/api/signal/btc", { headers: { accept: "text/html" } }));
    await collect(
      await h.call("/api/signal/btc", { headers: { "payment-signature": "bm90IGEgcGF5bWVudA==" } }),
    );
    // a refused path mapping, an upstream timeout and an unreachable upstream
    await collect(await h.call("/v1/quote/a%2F..%2Fadmin?api_key=x"));
    await pointUpstreamAt(h.upstream.url, { upstreamTimeoutMs: 200 });
    await collect(await h.call("/api/free/slow?ms=2000"));
    await pointUpstreamAt("http://127.0.0.1:9");
    await collect(await h.call("/api/quiet/unreachable"));
    await pointUpstreamAt(h.upstream.url);
    await collect(await h.call("/api/quiet/ok"));

    // the console's API, including a refused write of the value (logged as a tRPC error)
    const merchantId = h.merchant.id;
    const refusedWrite = await api()
      .upstream.setCredential({
        merchantId,
        location: "HEADER",
        name: "Host",
        value: HEADER_SECRET,
      })
      .then(
        () => null,
        (e: unknown) => e as Error & { code?: string; cause?: unknown },
      );
    expect(refusedWrite?.code).toBe("BAD_REQUEST");
    exposed.push(
      JSON.stringify({ message: refusedWrite?.message, cause: String(refusedWrite?.cause) }),
    );
    exposed.push(
      JSON.stringify(await api().upstream.credentials({ merchantId })),
      JSON.stringify(await api().upstream.get({ merchantId })),
      JSON.stringify(
        await api().upstream.testCall({
          merchantId,
          method: "GET",
          path: "/api/quiet/console?api_key=mine",
        }),
      ),
      JSON.stringify(await api().upstream.health({ merchantId, windowHours: 24 })),
      JSON.stringify(await api().pricingRules.list({ merchantId })),
      JSON.stringify(
        await api().pricingRules.explain({
          merchantId,
          method: "GET",
          path: "/v1/quote/abc?api_key=mine",
        }),
      ),
      JSON.stringify(await api().merchants.get({ merchantId })),
    );
    // the logs and what the gateway stored
    await h.runtime.usage.flush();
    exposed.push(logLines.join("\n"));
    exposed.push(JSON.stringify(await database.db.usageRecord.findMany({ where: { merchantId } })));
    exposed.push(JSON.stringify(await database.db.auditLog.findMany({ where: { merchantId } })));
    exposed.push(
      JSON.stringify(
        await database.db.payment.findMany({ where: { merchantId } }),
        (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
      ),
    );
    exposed.push(
      JSON.stringify(await database.db.upstreamCredential.findMany({ where: { merchantId } })),
    );

    const everything = exposed.join("\n");
    expect(everything.length).toBeGreaterThan(5000);
    expect(everything).toContain("••••4068");
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of [HEADER_SECRET, QUERY_SECRET, encodeURIComponent(QUERY_SECRET)])
      expect(everything).not.toContain(secret);
  });
});

describe("path mapping", () => {
  let ownerKey: string;
  beforeAll(async () => {
    await pointUpstreamAt(`${h.upstream.url}/base`);
    ownerKey = (
      await createApiKey(testDeps(database.db), {
        merchantId: h.merchant.id,
        actor: { userId: owner.id, role: "OWNER" },
        grantor: { kind: "role", role: "OWNER" },
        name: "mapping",
      })
    ).key;
  });

  it("maps the public pattern to the upstream path, keeping encoded characters and the query as sent", async () => {
    const res = await h.call("/v1/quote/caf%C3%A9%20au%20lait?x=1&y=a%2Bb&z=%2F..%2F", {
      headers: { "x-api-key": ownerKey },
    });
    expect(res.status).toBe(200);
    expect(h.upstream.seen.at(-1)!.url).toBe(
      `/base/internal/pricing/caf%C3%A9%20au%20lait?x=1&y=a%2Bb&z=%2F..%2F&api_key=${QUERY_SECRET}`,
    );
    const explained = await api().pricingRules.explain({
      merchantId: h.merchant.id,
      method: "GET",
      path: "/v1/quote/caf%C3%A9?x=1",
    });
    expect(explained).toMatchObject({
      upstreamUrl: `${h.upstream.url}/base/internal/pricing/caf%C3%A9?x=1&api_key=••••7182`,
      upstreamRefusal: null,
      injectedHeaders: [{ name: "x-upstream-key", maskedValue: "••••4068" }],
    });
  });

  it("refuses a request whose mapping would escape the base path, before any payment, and a template that would", async () => {
    const before = h.upstream.seen.length;
    for (const path of [
      "/v1/quote/a%2F..%2F..%2Fadmin",
      "/v1/quote/..%5C..%5Cadmin",
      "/v1/quote/%2e%2e%2fadmin",
    ]) {
      const res = await h.call(path, { headers: { "x-api-key": ownerKey } });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
      // unpaid: a 400, not a 402 to pay for a call that cannot be served
      expect((await h.call(path)).status).toBe(400);
    }
    expect(h.upstream.seen.length).toBe(before);
    await h.runtime.usage.flush();
    // encoded slashes and backslashes are refused by the canonical form, before any rule is matched
    expect(
      await database.db.usageRecord.count({
        where: {
          merchantId: h.merchant.id,
          reason: { in: ["upstream_path_refused", "path_refused"] },
        },
      }),
    ).toBeGreaterThanOrEqual(6);
    expect(
      await database.db.payment.count({
        where: { merchantId: h.merchant.id, resource: { contains: "/v1/quote/" } },
      }),
    ).toBe(0);
    expect(
      (
        await api().pricingRules.explain({
          merchantId: h.merchant.id,
          method: "GET",
          path: "/v1/quote/a%2F..%2Fadmin",
        })
      ).upstreamRefusal,
    ).toMatch(/Encoded slashes/);

    const rule = {
      pathPattern: "/v2/quote/*",
      method: "GET" as const,
      price: "0.01",
      network: h.network,
      asset: h.token,
    };
    for (const upstreamPath of [
      "/internal/../admin",
      "/internal/%2e%2e/admin",
      "/internal%2Fadmin/*",
      "/a/*/*",
    ]) {
      expect(
        await trpcErrorCode(
          api().pricingRules.create({ merchantId: h.merchant.id, data: { ...rule, upstreamPath } }),
        ),
        upstreamPath,
      ).toBe("BAD_REQUEST");
    }
  });
});
