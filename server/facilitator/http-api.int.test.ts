import { randomBytes } from "node:crypto";

import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ServerEnv } from "@/server/env";
import {
  createGatewayHarness,
  type GatewayHarness,
  type Requirements,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import {
  handleFacilitatorSettle,
  handleFacilitatorSupported,
  handleFacilitatorVerify,
  type FacilitatorApiDeps,
} from "./http-api";

// Issue 24 item 4: the facilitator API spends the facilitator key's gas and nonces, so it admits
// only callers with a token (or from an allow-listed address), rate limits them, settles only
// registry assets to this platform's payees, and can be switched off (off by default in production).

const database = useTestDatabase();
let h: GatewayHarness;

const api = (path: string) => `${h.facilitatorApiUrl}${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The handlers with this harness's runtime and an env changed by `overrides` (a fresh env object: access is parsed per env). */
function depsWith(overrides: Partial<Record<keyof ServerEnv, unknown>>): FacilitatorApiDeps {
  return {
    ...h.runtime,
    env: { ...(h.runtime.env as ServerEnv), ...overrides } as ServerEnv,
    facilitator: h.runtime.facilitators.local,
  };
}

/** A signed v2 payment for `requirements` (paid to their payTo), as the facilitator API's JSON body. */
async function settleBody(requirements: Requirements) {
  const payer = await h.newPayer();
  const { header } = await h.signPayment(payer, requirements);
  const paymentPayload = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as unknown;
  return {
    payer,
    body: JSON.stringify({ x402Version: 2, paymentPayload, paymentRequirements: requirements }),
  };
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(api(path), {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
});
afterAll(async () => {
  await h?.close();
});

describe("who may call it", () => {
  it.each(["/supported", "/verify", "/settle"])(
    "refuses %s without a token: 401 with the JSON error body and a Bearer challenge",
    async (path) => {
      const res = path === "/supported" ? await fetch(api(path)) : await post(path, "{}");
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.json()).toMatchObject({
        error: { code: "unauthorized", message: expect.any(String) },
      });
    },
  );

  it("refuses a wrong token, and answers a right one", async () => {
    const wrong = await fetch(api("/supported"), {
      headers: bearer("not-the-token-0123456789abcdef"),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(api("/supported"), { headers: bearer(h.facilitatorApiToken) });
    expect(right.status).toBe(200);
    expect((await right.json()).kinds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ x402Version: 2, scheme: "exact", network: h.network }),
      ]),
    );
  });

  it("admits an allow-listed client address without a token, and no other", async () => {
    const deps = depsWith({
      FACILITATOR_API_TOKENS: undefined,
      FACILITATOR_API_ALLOWED_IPS: "10.1.2.0/24",
    });
    const from = (ip: string) =>
      new Request("http://gateway.test/api/facilitator/supported", {
        headers: { "x-forwarded-for": ip },
      });
    expect((await handleFacilitatorSupported(deps, from("10.1.2.3"))).status).toBe(200);
    const outside = await handleFacilitatorSupported(deps, from("10.1.3.3"));
    expect(outside.status).toBe(401);
    expect(await outside.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("answers 404 on every route when switched off, whatever the token", async () => {
    const deps = depsWith({ FACILITATOR_API_ENABLED: false });
    const req = (path: string, method = "POST") =>
      new Request(`http://gateway.test/api/facilitator${path}`, {
        method,
        headers: bearer(h.facilitatorApiToken),
        ...(method === "POST" ? { body: "{}" } : {}),
      });
    for (const res of [
      await handleFacilitatorSupported(deps, req("/supported", "GET")),
      await handleFacilitatorVerify(deps, req("/verify")),
      await handleFacilitatorSettle(deps, req("/settle")),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({
        error: { code: "not_found", message: expect.stringContaining("FACILITATOR_API_ENABLED") },
      });
    }
  });

  it("rate limits each caller: 429 with Retry-After once its budget is spent, other callers unaffected", async () => {
    const token = `tok_${randomBytes(16).toString("hex")}`;
    const other = `tok_${randomBytes(16).toString("hex")}`;
    const deps = depsWith({
      FACILITATOR_API_TOKENS: `${token},${other}`,
      FACILITATOR_API_RATE_LIMIT_PER_MINUTE: 3,
    });
    const call = (t: string) =>
      handleFacilitatorSupported(
        deps,
        new Request("http://gateway.test/api/facilitator/supported", { headers: bearer(t) }),
      );
    for (let i = 0; i < 3; i++) expect((await call(token)).status).toBe(200);
    const limited = await call(token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect((await call(other)).status).toBe(200);
  });
});

describe("what it settles", () => {
  it("settles a payment to a registered merchant's payout address", async () => {
    const requirements = await h.requirementsFor("/api/signal/btc");
    expect(requirements.payTo.toLowerCase()).toBe(h.merchantWallet);
    const { body } = await settleBody(requirements);
    const before = await h.balanceOf(h.merchantWallet);
    const res = await post("/settle", body, bearer(h.facilitatorApiToken));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, network: h.network });
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 10_000n);
  });

  it.each(["/verify", "/settle"])(
    "%s refuses a payment to an address that is no merchant's (403), and nothing moves",
    async (path) => {
      const stranger = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address;
      const requirements = { ...(await h.requirementsFor("/api/signal/btc")), payTo: stranger };
      const { body, payer } = await settleBody(requirements);
      const before = await h.balanceOf(payer.address);
      const res = await post(path, body, bearer(h.facilitatorApiToken));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        error: { code: "forbidden", details: { field: "paymentRequirements.payTo" } },
      });
      expect(await h.balanceOf(stranger)).toBe(0n);
      expect(await h.balanceOf(payer.address)).toBe(before);
    },
  );

  it("refuses an asset the network registry does not list (403)", async () => {
    const requirements = {
      ...(await h.requirementsFor("/api/signal/btc")),
      asset: privateKeyToAccount(generatePrivateKey()).address,
    };
    const { body } = await settleBody(requirements);
    const res = await post("/settle", body, bearer(h.facilitatorApiToken));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: "forbidden", details: { field: "paymentRequirements.asset" } },
    });
  });

  it("refuses a network the registry does not list (403)", async () => {
    const requirements = {
      ...(await h.requirementsFor("/api/signal/btc")),
      network: "eip155:999999",
    };
    const { body } = await settleBody(requirements);
    const res = await post("/settle", body, bearer(h.facilitatorApiToken));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: "forbidden", details: { field: "paymentRequirements.network" } },
    });
  });

  it("refuses the payout address of a disabled merchant", async () => {
    await database.db.merchant.update({
      where: { id: h.merchant.id },
      data: { status: "DISABLED" },
    });
    try {
      const requirements = { ...(await requirementsWhileDisabled()), payTo: h.merchantWallet };
      const { body } = await settleBody(requirements);
      const res = await post("/settle", body, bearer(h.facilitatorApiToken));
      expect(res.status).toBe(403);
    } finally {
      await database.db.merchant.update({
        where: { id: h.merchant.id },
        data: { status: "ACTIVE" },
      });
      h.runtime.merchants.invalidate(h.merchant.id);
    }
  });
});

/** The local token's requirements without asking the gateway (a disabled merchant answers 403, not 402). */
async function requirementsWhileDisabled(): Promise<Requirements> {
  return {
    scheme: "exact",
    network: h.network,
    asset: h.token,
    amount: "10000",
    payTo: h.merchantWallet,
    maxTimeoutSeconds: 60,
    extra: { name: "USD Coin", version: "2" },
  };
}
