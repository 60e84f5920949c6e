import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  testEnv,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;
let developer: SessionUser;
let outsider: SessionUser;

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  const deps = testDeps(database.db);
  developer = await signUpWithPassword(deps, {
    name: "Dev",
    email: uniqueEmail("dev"),
    password: "correct horse battery",
  });
  outsider = await signUpWithPassword(deps, {
    name: "Out",
    email: uniqueEmail("out"),
    password: "correct horse battery",
  });
  await database.db.membership.create({
    data: {
      id: `mem_up_${Date.now()}`,
      merchantId: h.merchant.id,
      userId: developer.id,
      role: "DEVELOPER",
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const depsFor = (env = h.runtime.env) =>
  testDeps(database.db, {
    env: env as never,
    gateway: (req: Request, merchantId: string) =>
      handleGatewayRequest(h.runtime, req, { merchantId }),
  });

describe("routing", () => {
  it("sends a test call through the gateway: the upstream's answer on a free path, the 402 on a priced one", async () => {
    const api = callerFor(depsFor(), owner).upstream;
    const free = await api.testCall({
      merchantId: h.merchant.id,
      method: "GET",
      path: "/api/free/x?y=1",
    });
    expect(free).toMatchObject({
      status: 200,
      url: `${h.runtime.env.APP_URL}/${h.merchant.id}/api/free/x?y=1`,
    });
    expect(JSON.parse(free.body)).toMatchObject({ path: "/api/free/x", query: "?y=1" });
    expect(free.headers.some(([name]) => name === "x-request-id")).toBe(true);
    const paid = await api.testCall({
      merchantId: h.merchant.id,
      method: "GET",
      path: "/api/signal/btc",
    });
    expect(paid.status).toBe(402);
    expect(JSON.parse(paid.body)).toMatchObject({ accepts: [{ maxAmountRequired: "10000" }] });
    // a developer may run test calls
    expect(
      (
        await callerFor(depsFor(), developer).upstream.testCall({
          merchantId: h.merchant.id,
          method: "GET",
          path: "/api/free/dev",
        })
      ).status,
    ).toBe(200);
  });

  it("updates the upstream with an audit row, refusing URLs the SSRF rules forbid", async () => {
    const strict = testEnv({
      ...Object.fromEntries(Object.entries(h.runtime.env).map(([k, v]) => [k, String(v)])),
      ALLOW_PRIVATE_UPSTREAMS: "false",
    });
    const api = callerFor(depsFor(strict as never), owner).upstream;
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://169.254.169.254/latest",
      "ftp://files.example.com",
    ]) {
      expect(
        await trpcErrorCode(
          api.update({
            merchantId: h.merchant.id,
            upstreamBaseUrl: url,
            upstreamTimeoutMs: 5000,
            chargeOnUpstreamError: false,
          }),
        ),
      ).toBe("BAD_REQUEST");
    }
    const saved = await api.update({
      merchantId: h.merchant.id,
      upstreamBaseUrl: "https://api.example.com/v2/",
      upstreamTimeoutMs: 5000,
      chargeOnUpstreamError: true,
    });
    expect(saved).toEqual({
      upstreamBaseUrl: "https://api.example.com/v2",
      upstreamTimeoutMs: 5000,
      chargeOnUpstreamError: true,
    });
    expect(
      await database.db.auditLog.count({
        where: { merchantId: h.merchant.id, action: "merchant.upstream.update" },
      }),
    ).toBe(1);
    // back to the loopback test upstream (which the strict rules refuse, so directly)
    await database.db.merchant.update({
      where: { id: h.merchant.id },
      data: {
        upstreamBaseUrl: h.upstream.url,
        upstreamTimeoutMs: 15000,
        chargeOnUpstreamError: false,
      },
    });
    h.runtime.merchants.invalidate(h.merchant.id);
  });

  it("lets a developer read but not change routing, and hides it from other merchants", async () => {
    expect(
      (await callerFor(depsFor(), developer).upstream.get({ merchantId: h.merchant.id }))
        .upstreamBaseUrl,
    ).toBe(h.upstream.url);
    expect(
      await trpcErrorCode(
        callerFor(depsFor(), developer).upstream.update({
          merchantId: h.merchant.id,
          upstreamBaseUrl: "https://x.example.com",
          upstreamTimeoutMs: 5000,
          chargeOnUpstreamError: false,
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(depsFor(), outsider).upstream.get({ merchantId: h.merchant.id }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await trpcErrorCode(
        callerFor(depsFor(), outsider).upstream.testCall({
          merchantId: h.merchant.id,
          method: "GET",
          path: "/",
        }),
      ),
    ).toBe("NOT_FOUND");
  });
});

describe("upstream health", () => {
  it("counts forwarded calls, upstream errors (>= 500, timeouts) and latency from the access log; 4xx answers are not errors", async () => {
    const api = callerFor(depsFor(), owner).upstream;
    await h.runtime.usage.flush();
    const before = await api.health({ merchantId: h.merchant.id, windowHours: 1 });
    expect((await h.call("/api/free/one")).status).toBe(200);
    expect((await h.call("/api/free/two")).status).toBe(200);
    expect((await h.call("/api/missing/x")).status).toBe(404);
    // a 402 never reaches the upstream and is not counted
    expect((await h.call("/api/signal/btc")).status).toBe(402);
    await database.db.merchant.update({
      where: { id: h.merchant.id },
      data: { upstreamTimeoutMs: 200 },
    });
    h.runtime.merchants.invalidate(h.merchant.id);
    expect((await h.call("/api/free/slow?ms=2000")).status).toBe(504);
    await database.db.merchant.update({
      where: { id: h.merchant.id },
      data: { upstreamTimeoutMs: 15000 },
    });
    h.runtime.merchants.invalidate(h.merchant.id);
    await h.runtime.usage.flush();

    const after = await api.health({ merchantId: h.merchant.id, windowHours: 1 });
    expect(after.calls - before.calls).toBe(4);
    expect(after.errors - before.errors).toBe(1);
    expect(after.errorRate).toBeCloseTo(after.errors / after.calls);
    expect(after.p50LatencyMs).not.toBeNull();
    expect(after.p95LatencyMs).toBeGreaterThanOrEqual(after.p50LatencyMs ?? 0);
    expect(after.lastErrorAt).toBeInstanceOf(Date);
  });
});
