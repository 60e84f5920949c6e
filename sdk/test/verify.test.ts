import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { signUpstreamRequest } from "@/server/gateway/upstream-trust";

import {
  computeGatewaySignature,
  createMemoryReplayStore,
  decodeGatewayPaymentFacts,
  encodeGatewayPaymentFacts,
  gatewaySigningPayload,
  gatewayVerification,
  parseGatewaySignatureHeader,
  verifyGatewayRequest,
  withGatewayVerification,
  type GatewayPaymentFacts,
  type NodeRequestLike,
} from "../src/verify";

// The SDK's verifier against what the gateway's signer produces (server/gateway/upstream-trust.ts).

const SECRET = "gws_current_secret_for_tests";
const OLD = "gws_previous_secret_for_tests";
const NOW_MS = 1_800_000_000_000;
const paid: GatewayPaymentFacts = {
  kind: "paid",
  paymentId: "pay_123",
  payer: "0xabc",
  amount: "10000",
  asset: "0xtoken",
  network: "eip155:31337",
  txHash: "pending",
  billingMode: "PER_REQUEST",
  settlementPolicy: "AFTER_SUCCESS",
};

function signed(
  opts: {
    secrets?: string[];
    url?: string;
    method?: string;
    facts?: GatewayPaymentFacts;
    nowSeconds?: number;
  } = {},
) {
  const url = new URL(opts.url ?? "http://upstream.test/v1/quote/caf%C3%A9?x=1&y=a%2Bb");
  const headers = signUpstreamRequest({
    secrets: opts.secrets ?? [SECRET],
    nowSeconds: opts.nowSeconds ?? NOW_MS / 1000,
    requestId: "req_abcdefgh",
    method: opts.method ?? "GET",
    url,
    facts: opts.facts ?? paid,
  });
  return {
    method: opts.method ?? "GET",
    url: url.pathname + url.search,
    headers: { ...headers, "x-request-id": "req_abcdefgh" } as Record<string, string>,
  };
}

const options = (extra: Partial<Parameters<typeof verifyGatewayRequest>[1]> = {}) => ({
  secrets: SECRET,
  now: () => NOW_MS,
  replayStore: createMemoryReplayStore({ now: () => NOW_MS }),
  ...extra,
});

describe("verifyGatewayRequest", () => {
  it("accepts what the gateway signed and returns the payment facts", async () => {
    const result = await verifyGatewayRequest(signed(), options());
    expect(result).toEqual({
      ok: true,
      facts: paid,
      requestId: "req_abcdefgh",
      timestamp: NOW_MS / 1000,
    });
  });

  it("accepts an absolute URL with the same path and query (Fetch Request.url)", async () => {
    const req = signed();
    const result = await verifyGatewayRequest(
      { ...req, url: `http://upstream.test${req.url}`, headers: new Headers(req.headers) },
      options(),
    );
    expect(result.ok).toBe(true);
  });

  it("refuses a missing, malformed or tampered signature", async () => {
    const req = signed();
    expect(await verifyGatewayRequest({ ...req, headers: {} }, options())).toMatchObject({
      ok: false,
      reason: "missing_signature",
    });
    expect(
      await verifyGatewayRequest(
        { ...req, headers: { ...req.headers, "x-gateway-signature": "t=1,v1=zz" } },
        options(),
      ),
    ).toMatchObject({ ok: false, reason: "malformed_signature" });
    // each signed part changed on its own
    const tampered = [
      { ...req, method: "POST" },
      { ...req, url: req.url.replace("x=1", "x=2") },
      { ...req, url: req.url.replace("/v1/quote/", "/v1/admin/") },
      { ...req, headers: { ...req.headers, "x-request-id": "req_other123" } },
      {
        ...req,
        headers: {
          ...req.headers,
          "x-gateway-payment": encodeGatewayPaymentFacts({ ...paid, payer: "0xevil" }),
        },
      },
    ];
    for (const r of tampered)
      expect(await verifyGatewayRequest(r, options())).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    expect(await verifyGatewayRequest(req, options({ secrets: "another secret" }))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("refuses timestamps outside the tolerance in either direction", async () => {
    expect(
      await verifyGatewayRequest(signed({ nowSeconds: NOW_MS / 1000 - 301 }), options()),
    ).toMatchObject({ ok: false, reason: "stale_timestamp" });
    expect(
      await verifyGatewayRequest(signed({ nowSeconds: NOW_MS / 1000 + 301 }), options()),
    ).toMatchObject({ ok: false, reason: "stale_timestamp" });
    expect(
      (await verifyGatewayRequest(signed({ nowSeconds: NOW_MS / 1000 - 299 }), options())).ok,
    ).toBe(true);
  });

  it("refuses a replay within the window, but not a forged request's nonce", async () => {
    const store = createMemoryReplayStore({ now: () => NOW_MS });
    const req = signed();
    // a forgery with the same nonce fails on its signature and is not remembered
    const forged = {
      ...req,
      headers: {
        ...req.headers,
        "x-gateway-signature": req.headers["x-gateway-signature"]!.replace(
          /v1=[0-9a-f]{4}/,
          "v1=0000",
        ),
      },
    };
    expect(await verifyGatewayRequest(forged, options({ replayStore: store }))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect((await verifyGatewayRequest(req, options({ replayStore: store }))).ok).toBe(true);
    expect(await verifyGatewayRequest(req, options({ replayStore: store }))).toMatchObject({
      ok: false,
      reason: "replayed",
    });
    // replay checks can be turned off (e.g. behind your own idempotency layer)
    expect((await verifyGatewayRequest(req, options({ replayStore: false }))).ok).toBe(true);
  });

  it("verifies during a rotation with either secret, since the gateway signs with both", async () => {
    const req = signed({ secrets: [SECRET, OLD] });
    expect(
      parseGatewaySignatureHeader(req.headers["x-gateway-signature"]!)?.signatures,
    ).toHaveLength(2);
    expect((await verifyGatewayRequest(req, options({ secrets: OLD }))).ok).toBe(true);
    expect((await verifyGatewayRequest(req, options({ secrets: [SECRET] }))).ok).toBe(true);
    expect(
      (await verifyGatewayRequest(req, options({ secrets: async () => [OLD, SECRET] }))).ok,
    ).toBe(true);
    // after the overlap the gateway signs with the new secret only
    expect(
      await verifyGatewayRequest(signed({ secrets: [SECRET] }), options({ secrets: OLD })),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("computes the documented payload and HMAC", () => {
    const payload = gatewaySigningPayload({
      timestamp: 1700000000,
      nonce: "00112233445566778899aabbccddeeff",
      requestId: "req_1",
      method: "get",
      path: "/a%2Fb",
      query: "q=1",
      payment: "eyJraW5kIjoiZnJlZSJ9",
    });
    expect(payload).toBe(
      "x402-gateway.v1\n1700000000\n00112233445566778899aabbccddeeff\nreq_1\nGET\n/a%2Fb\nq=1\neyJraW5kIjoiZnJlZSJ9",
    );
    // the portable HMAC (browsers, edge) equals node:crypto's, which the gateway signs with
    expect(computeGatewaySignature("k", payload)).toBe(
      createHmac("sha256", "k").update(payload).digest("hex"),
    );
    expect(decodeGatewayPaymentFacts(encodeGatewayPaymentFacts({ kind: "free" }))).toEqual({
      kind: "free",
    });
    expect(decodeGatewayPaymentFacts("not base64 json")).toBeNull();
  });
});

describe("the memory replay store", () => {
  it("forgets nonces after their window and bounds its size", () => {
    let now = NOW_MS;
    const store = createMemoryReplayStore({ now: () => now, maxEntries: 2 });
    expect(store.remember("a", NOW_MS / 1000 + 300)).toBe(true);
    expect(store.remember("a", NOW_MS / 1000 + 300)).toBe(false);
    now += 301_000;
    expect(store.remember("a", now / 1000 + 300)).toBe(true);
    store.remember("b", now / 1000 + 300);
    store.remember("c", now / 1000 + 300);
    // "a" was the oldest of three with room for two
    expect(store.remember("a", now / 1000 + 300)).toBe(true);
  });
});

describe("middlewares", () => {
  it("the Node/Express middleware answers 401 JSON or sets req.gateway and calls next", async () => {
    const middleware = gatewayVerification(options());
    const run = (req: NodeRequestLike) =>
      new Promise<{ status: number; body: string; next: boolean; req: NodeRequestLike }>(
        (resolve) => {
          const res = {
            statusCode: 200,
            headers: {} as Record<string, string>,
            setHeader(n: string, v: string) {
              this.headers[n] = v;
            },
            end(body?: string) {
              resolve({ status: this.statusCode, body: body ?? "", next: false, req });
            },
          };
          middleware(req, res, () => resolve({ status: 200, body: "", next: true, req }));
        },
      );
    const req = signed();
    const ok = await run({
      method: "GET",
      url: "/mounted",
      originalUrl: req.url,
      headers: req.headers,
    });
    expect(ok.next).toBe(true);
    expect(ok.req.gateway).toMatchObject({ ok: true, facts: { paymentId: "pay_123" } });
    const refused = await run({ method: "GET", url: req.url, headers: {} });
    expect(refused).toMatchObject({ status: 401, next: false });
    expect(JSON.parse(refused.body)).toEqual({
      error: "missing_signature",
      message: expect.any(String),
    });
  });

  it("the Next.js wrapper answers 401 or calls the handler with the facts", async () => {
    const handler = withGatewayVerification(
      async (_req, ctx: { params: Promise<{ id: string }> }, gateway) =>
        Response.json({ id: (await ctx.params).id, facts: gateway.facts }),
      options(),
    );
    const req = signed();
    const ctx = { params: Promise.resolve({ id: "7" }) };
    const ok = await handler(
      new Request(`http://upstream.test${req.url}`, { headers: req.headers }),
      ctx,
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: "7", facts: paid });
    const direct = await handler(new Request(`http://upstream.test${req.url}`), ctx);
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ error: "missing_signature" });
  });
});
