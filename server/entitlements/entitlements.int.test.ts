import { x402Client } from "@x402/core/client";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import {
  createSIWxPayload,
  encodeSIWxHeader,
  wrapFetchWithSIWx,
} from "@x402/extensions/sign-in-with-x";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  platformAdmin,
  testDeps,
  useTestDatabase,
} from "@/server/testing/int";

// Bundles and time passes bought with one payment and used with Sign-In-With-X proofs, driven by
// the ecosystem's own clients: @x402/fetch pays, @x402/extensions' wrapFetchWithSIWx signs in.

const database = useTestDatabase();
let h: GatewayHarness;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      {
        pathPattern: "/api/pass/*",
        method: "GET",
        price: "0.10",
        network: "",
        asset: "",
        billingMode: "TIME_PASS",
        passDurationSeconds: 3600,
      },
      {
        pathPattern: "/api/bundle/*",
        method: "GET",
        price: "0.05",
        network: "",
        asset: "",
        billingMode: "BUNDLE",
        bundleSize: 10,
      },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

/** fetch through the gateway handler in process (its public origin is the harness's APP_URL) */
const gatewayFetch: typeof fetch = async (input, init) => {
  const request = new Request(input as RequestInfo, init);
  const merchantId = new URL(request.url).pathname.split("/")[1] ?? "";
  return handleGatewayRequest(h.runtime, request, { merchantId });
};

function payingFetch(payer: PrivateKeyAccount): typeof fetch {
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: payer });
  client.setSpendControls({
    allowedAssets: [
      {
        network: h.network as `${string}:${string}`,
        asset: h.token,
        maxAmountPerPayment: "1000000",
      },
    ],
  });
  return wrapFetchWithPayment(wrapFetchWithSIWx(gatewayFetch, payer), client) as typeof fetch;
}

async function settledPayments(payer: string) {
  return database.db.payment.count({
    where: { merchantId: h.merchant.id, payer: payer.toLowerCase(), status: "SETTLED" },
  });
}

describe("a time pass", () => {
  it("is bought once with @x402/fetch, then 20 calls are served with one on-chain transfer", async () => {
    const payer = await h.newPayer();
    const pay = payingFetch(payer);
    const before = await h.balanceOf(h.merchantWallet);
    const first = await pay(h.url("/api/pass/btc"));
    expect(first.status).toBe(200);
    expect(first.headers.get("x-x402-entitlement")).toMatch(/^mode=time_pass; expires=/);
    for (let i = 0; i < 20; i++) {
      const res = await pay(h.url(`/api/pass/call-${i}`));
      expect(res.status).toBe(200);
      expect(res.headers.get("payment-response")).toBeNull();
      await res.text();
    }
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 100_000n);
    expect(await settledPayments(payer.address)).toBe(1);
    await h.runtime.usage.flush();
    expect(
      await database.db.usageRecord.count({
        where: {
          merchantId: h.merchant.id,
          payer: payer.address.toLowerCase(),
          status: "ENTITLED",
        },
      }),
    ).toBe(20);
  });

  it("declares Sign-In-With-X and what the payment buys in its 402", async () => {
    const res = await gatewayFetch(h.url("/api/pass/eth"));
    expect(res.status).toBe(402);
    const required = decodePaymentRequiredHeader(res.headers.get("payment-required") ?? "");
    expect(required.resource.description).toContain("unlimited calls on /api/pass/* for 1 hour");
    expect(required.extensions?.["sign-in-with-x"]).toMatchObject({
      info: { domain: "gateway.test", uri: h.url("/api/pass/eth") },
      supportedChains: [{ chainId: h.network, type: "eip191" }],
    });
  });
});

describe("a bundle", () => {
  it("serves 10 calls for one payment, and the 11th gets the 402 again", async () => {
    const payer = await h.newPayer();
    const bought = await payingFetch(payer)(h.url("/api/bundle/a"));
    expect(bought.status).toBe(200);
    expect(bought.headers.get("x-x402-entitlement")).toMatch(/^mode=bundle; remaining=9;/);
    const signIn = wrapFetchWithSIWx(gatewayFetch, payer);
    for (let i = 1; i < 10; i++) {
      const res = await signIn(h.url(`/api/bundle/${i}`));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-x402-entitlement")).toContain(`remaining=${9 - i}`);
      await res.text();
    }
    const eleventh = await signIn(h.url("/api/bundle/11"));
    expect(eleventh.status).toBe(402);
    expect((await eleventh.json()).error).toBe("no_entitlement");
    expect(await settledPayments(payer.address)).toBe(1);

    // the merchant console lists it: used up, so among all entitlements and not the active ones
    await h.runtime.usage.flush();
    const api = callerFor(
      testDeps(database.db),
      await merchantOwner(database.db, h.merchant.id),
    ).entitlements;
    const all = await api.list({ merchantId: h.merchant.id, payer: payer.address, state: "all" });
    expect(all).toMatchObject([
      {
        payer: payer.address.toLowerCase(),
        billingMode: "BUNDLE",
        callsTotal: 10,
        callsRemaining: 0,
        active: false,
        callsServed: 10,
        rule: { pathPattern: "/api/bundle/*" },
      },
    ]);
    expect(await api.list({ merchantId: h.merchant.id, payer: payer.address })).toEqual([]);
  });

  it("50 parallel calls against a bundle with 10 calls left: exactly 10 are served", async () => {
    const payer = await h.newPayer();
    expect((await payingFetch(payer)(h.url("/api/bundle/p"))).status).toBe(200);
    await database.db.entitlement.updateMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
      data: { callsRemaining: 10 },
    });
    const signIn = wrapFetchWithSIWx(gatewayFetch, payer);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signIn(h.url(`/api/bundle/par-${i}`))),
    );
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    const unexpected = bodies.filter((_, i) => statuses[i] !== 200 && statuses[i] !== 402);
    expect(
      statuses.filter((s) => s === 200),
      `statuses ${statuses.join(",")}; other answers: ${unexpected.join(" | ")}`,
    ).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    const left = await database.db.entitlement.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(left.callsRemaining).toBe(0);
  });
});

describe("sign-in proofs", () => {
  async function proofFor(
    payer: PrivateKeyAccount,
    path: string,
    override: { domain?: string; uri?: string } = {},
  ) {
    const challenge = await gatewayFetch(h.url(path));
    const required = decodePaymentRequiredHeader(challenge.headers.get("payment-required") ?? "");
    const siwx = required.extensions?.["sign-in-with-x"] as {
      info: Record<string, unknown>;
      supportedChains: { chainId: string; type: string }[];
    };
    const info = { ...siwx.info, ...override, chainId: h.network, type: "eip191" } as Parameters<
      typeof createSIWxPayload
    >[0];
    const requestUrl = override.domain ? `http://${override.domain}${path}` : h.url(path);
    return encodeSIWxHeader(await createSIWxPayload(info, payer, override.uri ?? requestUrl));
  }

  it("are good once: a replayed SIGN-IN-WITH-X header is refused", async () => {
    const payer = await h.newPayer();
    expect((await payingFetch(payer)(h.url("/api/pass/r"))).status).toBe(200);
    const header = await proofFor(payer, "/api/pass/r");
    expect(
      (await gatewayFetch(h.url("/api/pass/r"), { headers: { "sign-in-with-x": header } })).status,
    ).toBe(200);
    const replay = await gatewayFetch(h.url("/api/pass/r"), {
      headers: { "sign-in-with-x": header },
    });
    expect(replay.status).toBe(402);
    expect((await replay.json()).error).toBe("invalid_siwx_nonce");
  });

  it("are refused for another origin or another resource", async () => {
    const payer = await h.newPayer();
    expect((await payingFetch(payer)(h.url("/api/pass/o"))).status).toBe(200);
    const foreign = await proofFor(payer, "/api/pass/o", {
      domain: "evil.example",
      uri: "http://evil.example/api/pass/o",
    });
    const res = await gatewayFetch(h.url("/api/pass/o"), {
      headers: { "sign-in-with-x": foreign },
    });
    expect(res.status).toBe(402);
    expect((await res.json()).error).toBe("invalid_siwx_domain_mismatch");
    const elsewhere = await proofFor(payer, "/api/pass/a");
    const other = await gatewayFetch(h.url("/api/pass/b"), {
      headers: { "sign-in-with-x": elsewhere },
    });
    expect(other.status).toBe(402);
    expect((await other.json()).error).toBe("invalid_siwx_uri_mismatch");
  });
});

describe("a payer blocked after buying", () => {
  it("cannot use its time pass while blocked (403 payer_blocked, recorded), and can again once unblocked", async () => {
    const payer = await h.newPayer();
    const bought = await payingFetch(payer)(h.url("/api/pass/blocked-0"));
    expect(bought.status).toBe(200);
    const admin = callerFor(h.deps, await platformAdmin(database.db));
    const block = await admin.admin.risk.block({
      kind: "PAYER",
      value: payer.address,
      reason: "disputed purchases",
    });
    const signIn = wrapFetchWithSIWx(gatewayFetch, payer);
    try {
      const refused = await signIn(h.url("/api/pass/blocked-1"));
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toMatchObject({ code: "payer_blocked" });
      await h.runtime.usage.flush();
      expect(
        await database.db.usageRecord.count({
          where: {
            merchantId: h.merchant.id,
            payer: payer.address.toLowerCase(),
            reason: "payer_blocked",
          },
        }),
      ).toBe(1);
    } finally {
      await admin.admin.risk.unblock({ blockId: block.id });
    }
    const served = await signIn(h.url("/api/pass/blocked-2"));
    expect(served.status).toBe(200);
    expect(await settledPayments(payer.address)).toBe(1);
  });
});
