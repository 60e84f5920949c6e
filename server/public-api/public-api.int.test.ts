import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  testEnv,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { handlePublicApiRequest, type PublicApiDeps } from "./handler";
import { purgeExpiredIdempotencyKeys } from "./idempotency";
import { buildOpenApiDocument } from "./openapi";
import { matchOperation, type OpenApiDoc } from "./request-shape";

// The public REST API end to end: real keys, the real tRPC procedures behind trpc-to-openapi, a real
// gateway and chain. Every operation of the generated document is driven here, and enumerated again
// for the scope and tenant checks, so a new operation cannot go untested.

const database = useTestDatabase();
const doc = buildOpenApiDocument({ baseUrl: "http://gateway.test" }) as unknown as OpenApiDoc & {
  paths: Record<string, Record<string, { operationId: string }>>;
};
const operations = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    operationId: op.operationId,
  })),
);

let h: GatewayHarness;
let owner: SessionUser;
let outsider: SessionUser;
let merchantB: string;

function apiDeps(env: Record<string, string> = {}): PublicApiDeps {
  const base = Object.fromEntries(
    Object.entries(h.runtime.env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  return {
    ...testDeps(database.db, {
      env: testEnv({ ...base, ...env }),
      gateway: (req: Request, merchantId: string) =>
        handleGatewayRequest(h.runtime, req, { merchantId }),
    }),
    rateLimiter: createMemoryRateLimiter(),
  };
}
let deps: PublicApiDeps;

type Call = {
  status: number;
  body: Record<string, unknown> & {
    error?: {
      code: string;
      message: string;
      requestId?: string;
      details?: { fieldErrors?: Record<string, string[]> };
    };
  };
  headers: Headers;
};

async function api(
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  using = deps,
): Promise<Call> {
  const init: RequestInit = {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
  };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await handlePublicApiRequest(
    using,
    new Request(`http://gateway.test/api/v1${path}`, init),
  );
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Call["body"]) : {},
    headers: res.headers,
  };
}

async function newKey(
  merchantId: string,
  user: SessionUser,
  scopes: ("read" | "write" | "keys:manage" | "gateway:owner")[],
): Promise<{ key: string; id: string }> {
  const created = await callerFor(testDeps(database.db), user).apiKeys.create({
    merchantId,
    name: scopes.join("+"),
    scopes,
  });
  return { key: created.key, id: created.apiKey.id };
}

const ruleBody = (over: Record<string, unknown> = {}) => ({
  data: {
    pathPattern: "/api/rest/*",
    method: "GET" as const,
    price: "0.02",
    network: h.network,
    asset: h.token,
    ...over,
  },
});

/** Pays for one call at the gateway so there is a settled payment to list. */
async function payOnce(): Promise<void> {
  const payer = await h.newPayer();
  const requirements = await h.requirementsFor("/api/signal/btc");
  const { header } = await h.signPayment(payer, requirements);
  const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
  expect(res.status).toBe(200);
  await res.text();
}

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  deps = apiDeps();
  outsider = await signUpWithPassword(testDeps(database.db), {
    name: "Out",
    email: uniqueEmail("out"),
    password: "correct horse battery",
  });
  merchantB = (
    await callerFor(testDeps(database.db, { env: deps.env }), outsider).merchants.create({
      name: "Other Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
});
afterAll(async () => {
  await h?.close();
});

describe("the public API with a write key", () => {
  it("drives every operation of the document: rules enforced at the gateway, payments listed, a revoked key refused", async () => {
    const { key, id: keyId } = await newKey(h.merchant.id, owner, ["write", "keys:manage"]);
    const m = `/merchants/${h.merchant.id}`;
    const seen = new Set<string>();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api(key, method, path, body);
      seen.add(
        matchOperation(doc, method, path.split("?")[0]!)?.operationId ??
          `unmatched ${method} ${path}`,
      );
      expect(res.headers.get("ratelimit-limit")).toBe("600");
      return res;
    };

    const profile = await call("GET", m);
    expect(profile).toMatchObject({ status: 200, body: { id: h.merchant.id, role: "API_KEY" } });
    expect(profile.headers.get("etag")).toMatch(/^".+"$/);
    expect(profile.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(
      (await call("PATCH", m, { name: "Signals REST", payoutAddress: h.merchantWallet })).body,
    ).toMatchObject({ name: "Signals REST" });

    const routing = await call("GET", `${m}/routing`);
    expect(routing.body).toMatchObject({ upstreamBaseUrl: h.upstream.url });
    expect(
      (
        await call("PUT", `${m}/routing`, {
          upstreamBaseUrl: h.upstream.url,
          upstreamTimeoutMs: 15000,
          chargeOnUpstreamError: false,
        })
      ).status,
    ).toBe(200);
    expect(
      (await call("POST", `${m}/routing/test-call`, { method: "GET", path: "/api/free/rest" }))
        .body,
    ).toMatchObject({ status: 200 });
    const traffic = await call("GET", `${m}/routing/traffic`);
    expect(traffic.body).toMatchObject({
      unmatchedMethods: "REFUSE",
      rateLimits: { unpaidPerClient: 1_000_000 },
      caps: { unpaidPerClient: 10_000_000 },
    });
    const limits = {
      unpaidPerMerchant: 500,
      unpaidPerClient: 60,
      paidPerMerchant: 5000,
      paidPerPayer: 300,
    };
    expect(
      (
        await call("PUT", `${m}/routing/traffic`, {
          unmatchedMethods: "REFUSE",
          rateLimits: limits,
        })
      ).body,
    ).toMatchObject({ rateLimits: limits });

    // a rule created through REST is what the gateway charges
    const created = await call("POST", `${m}/pricing-rules`, ruleBody());
    expect(created.body).toMatchObject({
      priceAtomic: "20000",
      price: "0.02",
      assetDecimals: 6,
      pathPattern: "/api/rest/*",
    });
    const ruleId = created.body.id as string;
    expect((await h.requirementsFor("/api/rest/x")).amount).toBe("20000");
    expect(
      ((await call("GET", `${m}/pricing-rules`)).body as unknown as { id: string }[]).map(
        (r) => r.id,
      ),
    ).toContain(ruleId);
    expect(
      (await call("PUT", `${m}/pricing-rules/${ruleId}`, ruleBody({ price: "0.03" }))).body,
    ).toMatchObject({ priceAtomic: "30000" });
    expect((await h.requirementsFor("/api/rest/x")).amount).toBe("30000");

    await payOnce();
    const page = await call("GET", `${m}/payments?status=SETTLED&limit=1`);
    const items = page.body.items as {
      id: string;
      amountAtomic: string;
      decimals: number;
      createdAt: string;
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ amountAtomic: "10000", decimals: 6 });
    expect((await call("GET", `${m}/payments/${items[0]!.id}`)).body).toMatchObject({
      id: items[0]!.id,
      usage: [{ status: "CHARGED" }],
    });
    // the call log: the paid call with its payer and timings, filtered and paged with the keyset cursor
    const calls = await call(
      "GET",
      `${m}/calls?outcome=CHARGED&statusClass=2xx&path=%2Fapi%2Fsignal&limit=1`,
    );
    const callItems = calls.body.items as {
      outcome: string;
      httpStatus: number;
      payer: string | null;
      paymentId: string | null;
      latencyMs: number;
      createdAt: string;
    }[];
    expect(callItems).toHaveLength(1);
    expect(callItems[0]).toMatchObject({
      outcome: "CHARGED",
      httpStatus: 200,
      paymentId: items[0]!.id,
      payer: expect.stringMatching(/^0x[0-9a-f]{40}$/),
    });
    expect(callItems[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const allCalls = await call("GET", `${m}/calls?limit=1`);
    expect(allCalls.body.nextCursor).toEqual(expect.any(String));
    const next = await call(
      "GET",
      `${m}/calls?limit=1&cursor=${allCalls.body.nextCursor as string}`,
    );
    expect((next.body.items as { id: string }[])[0]!.id).not.toBe(
      (allCalls.body.items as { id: string }[])[0]!.id,
    );
    expect((await api(key, "GET", `${m}/calls?statusClass=6xx`)).status).toBe(400);
    expect((await call("GET", `${m}/entitlements?state=all`)).status).toBe(200);
    const statement = await call(
      "GET",
      `${m}/statements?month=${new Date().toISOString().slice(0, 7)}`,
    );
    expect(statement.body).toMatchObject({
      merchantId: h.merchant.id,
      lines: [{ gross: "10000", paidCalls: 1, decimals: 6 }],
    });

    const hook = await call("POST", `${m}/webhooks/endpoints`, {
      url: `${h.upstream.url}/hook`,
      events: ["payment.settled"],
    });
    expect(hook.body.secret).toMatch(/^whsec_/);
    const endpointId = (hook.body.endpoint as { id: string }).id;
    expect((await call("GET", `${m}/webhooks/endpoints`)).body).toHaveLength(1);
    expect((await call("POST", `${m}/webhooks/endpoints/${endpointId}/test`, {})).body).toEqual({
      result: "delivered",
    });
    expect(
      ((await call("GET", `${m}/webhooks/deliveries`)).body as unknown as unknown[]).length,
    ).toBeGreaterThanOrEqual(1);
    expect((await call("DELETE", `${m}/webhooks/endpoints/${endpointId}`)).body).toEqual({
      id: endpointId,
      deleted: true,
    });

    const other = await call("POST", `${m}/api-keys`, { name: "rotated", scopes: ["read"] });
    const otherKey = other.body.key as string;
    expect(otherKey).toMatch(/^x4g_live_/);
    expect((await api(otherKey, "GET", m)).status).toBe(200);
    expect(
      (
        (await call("GET", `${m}/api-keys`)).body as unknown as { id: string; scopes: string[] }[]
      ).find((k) => k.id === keyId)?.scopes,
    ).toEqual(["write", "keys:manage"]);
    const otherId = (other.body.apiKey as { id: string }).id;
    expect((await call("DELETE", `${m}/api-keys/${otherId}`)).body).toEqual({
      id: otherId,
      revoked: true,
    });
    const refused = await api(otherKey, "GET", m);
    expect(refused).toMatchObject({
      status: 401,
      body: { error: { code: "unauthorized", message: "The API key was revoked" } },
    });

    expect((await call("DELETE", `${m}/pricing-rules/${ruleId}`)).body).toEqual({
      id: ruleId,
      deleted: true,
    });
    expect((await h.call("/api/rest/x")).status).not.toBe(402);

    expect([...seen].sort()).toEqual(operations.map((o) => o.operationId).sort());

    // every call is in the audit log as the key; changes carry the key as their actor
    const requests = await database.db.auditLog.count({
      where: { actorKeyId: keyId, action: "api.request", merchantId: h.merchant.id },
    });
    expect(requests).toBeGreaterThanOrEqual(operations.length);
    const change = await database.db.auditLog.findFirstOrThrow({
      where: { action: "pricing_rule.create", targetId: ruleId },
    });
    expect(change).toMatchObject({ actorKeyId: keyId, actorRole: "API_KEY", actorUserId: null });
  });
});

/** A valid path and body for each operation, with `ids` standing in for the path's object ids. */
function requestFor(
  op: (typeof operations)[number],
  merchantId: string,
  id: string,
): { path: string; body?: unknown } {
  const path = op.template.replace("{merchantId}", merchantId).replace("{id}", id);
  const bodies: Record<string, unknown> = {
    "merchants-updateSettings": {
      name: "Evil",
      payoutAddress: "0x000000000000000000000000000000000000dEaD",
    },
    "upstream-update": {
      upstreamBaseUrl: "https://evil.example.com",
      upstreamTimeoutMs: 5000,
      chargeOnUpstreamError: true,
    },
    "upstream-testCall": { method: "GET", path: "/" },
    "pricingRules-create": ruleBody({ pathPattern: "/evil/*" }),
    "pricingRules-update": ruleBody({ pathPattern: "/evil/*" }),
    "apiKeys-create": { name: "evil", scopes: ["write"] },
    "webhooks-create": { url: "https://evil.example.com/hook", events: ["payment.settled"] },
    "webhooks-sendTest": {},
  };
  return {
    path,
    ...(op.method === "GET" || op.method === "DELETE"
      ? {}
      : { body: bodies[op.operationId] ?? {} }),
  };
}

describe("scopes and tenants", () => {
  it("let a read key read every resource and refuse every change with 403; a gateway:owner key reads nothing", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["read"]);
    const { key: ownerOnly } = await newKey(h.merchant.id, owner, ["gateway:owner"]);
    const rule = await callerFor(
      testDeps(database.db, { env: deps.env }),
      owner,
    ).pricingRules.create({
      merchantId: h.merchant.id,
      data: ruleBody({ pathPattern: "/scoped/*" }).data,
    });
    const failures: string[] = [];
    for (const op of operations) {
      const { path, body } = requestFor(
        op,
        h.merchant.id,
        op.operationId === "transactions-get" ? "pay_none" : rule.id,
      );
      const res = await api(key, op.method, path, body);
      const expected =
        op.method === "GET" ? (op.operationId === "transactions-get" ? 404 : 200) : 403;
      if (res.status !== expected)
        failures.push(`${op.operationId}: ${res.status} ${JSON.stringify(res.body)}`);
      if (op.method === "GET" && (await api(ownerOnly, op.method, path)).status !== 403)
        failures.push(`${op.operationId}: gateway:owner key could read`);
    }
    expect(failures).toEqual([]);
    expect(
      await database.db.pricingRule.count({
        where: { merchantId: h.merchant.id, pathPattern: "/evil/*" },
      }),
    ).toBe(0);
  });

  it("give merchant A's key 404 for every operation on merchant B and for B's object ids under A, and leave B unchanged", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["read", "write", "keys:manage"]);
    const asB = callerFor(testDeps(database.db, { env: deps.env }), outsider);
    const bRule = await asB.pricingRules.create({
      merchantId: merchantB,
      data: {
        pathPattern: "/b/*",
        method: "GET",
        price: "0.01",
        network: h.network,
        asset: h.token,
      },
    });
    const bKey = await asB.apiKeys.create({ merchantId: merchantB, name: "b", scopes: ["read"] });
    const bHook = await asB.webhooks.create({
      merchantId: merchantB,
      url: "https://hooks.example.com/b",
      events: ["payment.settled"],
    });
    const bPayment = await database.db.payment.create({
      data: {
        id: `pay_rest_b_${Date.now()}`,
        merchantId: merchantB,
        status: "SETTLED",
        x402Version: 2,
        scheme: "exact",
        network: h.network,
        asset: h.token,
        payer: "0x1",
        ...sealedPaymentColumns({ payTo: "0x2", payloadEncoded: "x" }, deps.env),
        amountAtomic: "10000",
        requiredAmountAtomic: "10000",
        authorizationNonce: "0xab",
        validAfter: new Date(),
        validBefore: new Date(),
        facilitator: "LOCAL",
        resource: "https://gw/b",
        requestId: "req_rest_b",
      },
    });
    const idFor = (template: string) =>
      template.includes("/pricing-rules/")
        ? bRule.id
        : template.includes("/api-keys/")
          ? bKey.apiKey.id
          : template.includes("/webhooks/")
            ? bHook.endpoint.id
            : bPayment.id;
    const failures: string[] = [];
    for (const op of operations) {
      const onB = requestFor(op, merchantB, idFor(op.template));
      const res = await api(key, op.method, onB.path, onB.body);
      if (res.status !== 404 || res.body.error?.code !== "not_found")
        failures.push(`${op.operationId} on B: ${res.status}`);
      if (op.template.includes("{id}")) {
        const underA = requestFor(op, h.merchant.id, idFor(op.template));
        const own = await api(key, op.method, underA.path, underA.body);
        if (own.status !== 404)
          failures.push(`${op.operationId} with B's id under A: ${own.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(
      (await asB.pricingRules.list({ merchantId: merchantB })).map((r) => r.pathPattern),
    ).toEqual(["/b/*"]);
    expect(
      (await asB.apiKeys.list({ merchantId: merchantB })).every((k) => k.revokedAt === null),
    ).toBe(true);
    expect(await asB.webhooks.list({ merchantId: merchantB })).toHaveLength(1);
    expect((await asB.merchants.get({ merchantId: merchantB })).name).toBe("Other Inc");
  });
});

describe("conventions", () => {
  it("replay a POST retried with the same Idempotency-Key, and refuse the key with another body (409)", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["write"]);
    const path = `/merchants/${h.merchant.id}/pricing-rules`;
    const body = ruleBody({ pathPattern: "/idem/*" });
    const first = await api(key, "POST", path, body, { "idempotency-key": "create-idem-1" });
    const retry = await api(key, "POST", path, body, { "idempotency-key": "create-idem-1" });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(
      await database.db.pricingRule.count({
        where: { merchantId: h.merchant.id, pathPattern: "/idem/*" },
      }),
    ).toBe(1);
    const other = await api(key, "POST", path, ruleBody({ pathPattern: "/idem2/*" }), {
      "idempotency-key": "create-idem-1",
    });
    expect(other).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(
      await database.db.pricingRule.count({
        where: { merchantId: h.merchant.id, pathPattern: "/idem2/*" },
      }),
    ).toBe(0);
    // without the header, the same POST is a second attempt (and here a conflict on the pattern)
    expect((await api(key, "POST", path, body)).body.error?.code).toBe("conflict");
  });

  it("keep replayable responses sealed: a created key or webhook secret is never stored in clear, and expired records are purged", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["write", "keys:manage"]);
    const m = `/merchants/${h.merchant.id}`;
    const createdKey = await api(
      key,
      "POST",
      `${m}/api-keys`,
      { name: "idem key", scopes: ["read"] },
      { "idempotency-key": "secret-idem-key" },
    );
    const hook = await api(
      key,
      "POST",
      `${m}/webhooks/endpoints`,
      { url: `${h.upstream.url}/idem-hook`, events: ["payment.settled"] },
      { "idempotency-key": "secret-idem-hook" },
    );
    const secrets = [createdKey.body.key as string, hook.body.secret as string];
    expect(secrets[0]).toMatch(/^x4g_live_/);
    expect(secrets[1]).toMatch(/^whsec_/);

    const rows = await database.db.apiIdempotencyKey.findMany({
      where: { key: { in: ["secret-idem-key", "secret-idem-hook"] } },
    });
    expect(rows).toHaveLength(2);
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    // the retry still gets the secret it was shown the first time
    const retry = await api(
      key,
      "POST",
      `${m}/api-keys`,
      { name: "idem key", scopes: ["read"] },
      { "idempotency-key": "secret-idem-key" },
    );
    expect(retry.body).toEqual(createdKey.body);

    // expired records are deleted by the purge job, not only when their key is reused
    await database.db.apiIdempotencyKey.updateMany({
      where: { key: "secret-idem-hook" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(
      await purgeExpiredIdempotencyKeys({ db: database.db, now: () => new Date() }),
    ).toBeGreaterThanOrEqual(1);
    expect(await database.db.apiIdempotencyKey.count({ where: { key: "secret-idem-hook" } })).toBe(
      0,
    );
    expect(await database.db.apiIdempotencyKey.count({ where: { key: "secret-idem-key" } })).toBe(
      1,
    );
  });

  it("answer If-None-Match with 304, and limit each key with RateLimit-* headers and a 429", async () => {
    const limited = apiDeps({ PUBLIC_API_RATE_LIMIT_PER_MINUTE: "3" });
    const { key } = await newKey(h.merchant.id, owner, ["read"]);
    const first = await api(
      key,
      "GET",
      `/merchants/${h.merchant.id}/routing`,
      undefined,
      {},
      limited,
    );
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    const etag = first.headers.get("etag")!;
    const again = await handlePublicApiRequest(
      limited,
      new Request(`http://gateway.test/api/v1/merchants/${h.merchant.id}/routing`, {
        headers: { authorization: `Bearer ${key}`, "if-none-match": etag },
      }),
    );
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("ratelimit-remaining")).toBe("1");
    await api(key, "GET", `/merchants/${h.merchant.id}`, undefined, {}, limited);
    const refused = await api(key, "GET", `/merchants/${h.merchant.id}`, undefined, {}, limited);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: "rate_limited" } } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    // another key has its own bucket
    const { key: second } = await newKey(h.merchant.id, owner, ["read"]);
    expect(
      (await api(second, "GET", `/merchants/${h.merchant.id}`, undefined, {}, limited)).status,
    ).toBe(200);
  });
});

describe("bad input", () => {
  it("answers malformed JSON, unknown fields, wrong types, oversized bodies and bad keys with the documented error shape", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["write"]);
    const path = `/merchants/${h.merchant.id}/pricing-rules`;
    const small = apiDeps({ PUBLIC_API_MAX_BODY_BYTES: "1024" });
    const cases: [string, Promise<Call>, number, string, string | null][] = [
      ["malformed JSON", api(key, "POST", path, '{"data": {'), 400, "invalid_request", null],
      ["a JSON array", api(key, "POST", path, "[1]"), 400, "invalid_request", null],
      [
        "an unknown field",
        api(key, "POST", path, ruleBody({ prize: "1" })),
        400,
        "invalid_request",
        "data.prize",
      ],
      [
        "an unknown top-level field",
        api(key, "POST", path, { ...ruleBody(), merchant: "x" }),
        400,
        "invalid_request",
        "merchant",
      ],
      [
        "a wrong type",
        api(key, "POST", path, ruleBody({ price: 5 })),
        400,
        "invalid_request",
        "data.price",
      ],
      [
        "a failed domain check",
        api(key, "POST", path, ruleBody({ price: "-1", pathPattern: "/neg" })),
        400,
        "invalid_request",
        "price",
      ],
      [
        "a wrong query type",
        api(key, "GET", `/merchants/${h.merchant.id}/payments?limit=abc`),
        400,
        "invalid_request",
        "limit",
      ],
      [
        "an unknown query parameter",
        api(key, "GET", `/merchants/${h.merchant.id}/payments?colour=red`),
        400,
        "invalid_request",
        "colour",
      ],
      [
        "an oversized body",
        api(key, "POST", path, ruleBody({ description: "x".repeat(2000) }), {}, small),
        413,
        "payload_too_large",
        null,
      ],
      [
        "a body that is not JSON",
        api(key, "POST", path, "a=b", { "content-type": "application/x-www-form-urlencoded" }),
        400,
        "invalid_request",
        null,
      ],
      ["no key", api(null, "GET", `/merchants/${h.merchant.id}`), 401, "unauthorized", null],
      [
        "a malformed key",
        api("nope", "GET", `/merchants/${h.merchant.id}`),
        401,
        "unauthorized",
        null,
      ],
      [
        "an unknown key",
        api(`x4g_live_abcdefgh_${"a".repeat(32)}`, "GET", `/merchants/${h.merchant.id}`),
        401,
        "unauthorized",
        null,
      ],
      ["an unknown route", api(key, "GET", "/nothing/here"), 404, "not_found", null],
    ];
    for (const [label, promise, status, code, field] of cases) {
      const res = await promise;
      expect({ label, status: res.status }).toEqual({ label, status });
      expect(res.body, label).toEqual({
        error: expect.objectContaining({
          code,
          message: expect.any(String),
          requestId: res.headers.get("x-request-id"),
        }),
      });
      if (field)
        expect(Object.keys(res.body.error?.details?.fieldErrors ?? {}), label).toContain(field);
      // field errors travel as validation keys inside the app; the API writes them in English
      for (const messages of Object.values(res.body.error?.details?.fieldErrors ?? {}))
        for (const message of messages) expect(message, label).not.toMatch(/^validation\./);
    }
    expect(
      await database.db.pricingRule.count({
        where: { merchantId: h.merchant.id, pathPattern: "/neg" },
      }),
    ).toBe(0);
  });
});

describe("owner calls at the gateway", () => {
  it("serve the merchant's gateway:owner key without payment as OWNER usage with no revenue; a foreign key gets the 402", async () => {
    const { key } = await newKey(h.merchant.id, owner, ["gateway:owner"]);
    const paymentsBefore = await database.db.payment.count({
      where: { merchantId: h.merchant.id },
    });
    const ledgerBefore = await database.db.ledgerEntry.count({
      where: { merchantId: h.merchant.id },
    });
    const served = await h.call("/api/signal/owner", {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(served.status, await served.clone().text()).toBe(200);
    expect(served.headers.get("payment-response")).toBeNull();
    await served.text();
    await h.runtime.usage.flush();
    const usage = await database.db.usageRecord.findFirstOrThrow({
      where: { merchantId: h.merchant.id, path: "/api/signal/owner" },
    });
    expect(usage).toMatchObject({ status: "OWNER", paymentId: null });
    expect(await database.db.payment.count({ where: { merchantId: h.merchant.id } })).toBe(
      paymentsBefore,
    );
    expect(await database.db.ledgerEntry.count({ where: { merchantId: h.merchant.id } })).toBe(
      ledgerBefore,
    );

    const { key: foreign } = await newKey(merchantB, outsider, ["gateway:owner", "read", "write"]);
    const refused = await h.call("/api/signal/owner", {
      headers: { authorization: `Bearer ${foreign}` },
    });
    expect(refused.status).toBe(402);
    await refused.text();
  });
});
