import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme as ExactEvmServerScheme } from "@x402/evm/exact/server";
import { withX402, x402ResourceServer } from "@x402/next";
import { NextRequest, NextResponse } from "next/server";
import { createWalletClient, http } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayNode, handleGatewayRequest } from "@/server/gateway/handle-request";
import { serveFetchHandler } from "@/server/http/node-adapter";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import {
  AmountLimitError,
  NetworkError,
  PaymentRejectedError,
  PaymentRequiredError,
  ProtocolError,
  ResponseFormatError,
  UpstreamError,
  WalletError,
  X402Client,
  type Eip1193Provider,
  type X402ClientOptions,
} from "../src";

// The SDK against the real gateway on anvil, over a socket, with each wallet kind.

const database = useTestDatabase();
let h: GatewayHarness;
let gatewayUrl: string;
let closeGateway: () => Promise<void>;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      { pathPattern: "/api/echo", method: "POST", price: "0.05", network: "", asset: "" },
      { pathPattern: "/api/fail", method: "ANY", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/api/pass/*",
        method: "GET",
        price: "0.04",
        network: "",
        asset: "",
        billingMode: "TIME_PASS",
        passDurationSeconds: 600,
      },
      {
        pathPattern: "/api/bundle/*",
        method: "GET",
        price: "0.03",
        network: "",
        asset: "",
        billingMode: "BUNDLE",
        bundleSize: 3,
      },
    ],
  });
  const server = createServer((req, res) => {
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(h.runtime, req, res, { merchantId, origin: GATEWAY_ORIGIN });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeGateway = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterAll(async () => {
  await closeGateway?.();
  await h?.close();
});

function client(wallet: X402ClientOptions["wallet"], over: Partial<X402ClientOptions> = {}) {
  return new X402Client({
    endpoint: gatewayUrl,
    merchantId: h.merchant.id,
    wallet,
    maxAmount: { USDC: "0.10" },
    networks: ["base-sepolia"],
    assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
    ...over,
  });
}

/** An EIP-1193 provider backed by a local key, as a browser wallet would behave. */
function localProvider(
  account: PrivateKeyAccount,
  opts: { chainId?: number; reject?: boolean } = {},
): Eip1193Provider {
  return {
    async request({ method, params }) {
      if (method === "eth_accounts" || method === "eth_requestAccounts") return [account.address];
      if (method === "eth_chainId") return `0x${(opts.chainId ?? h.chainId).toString(16)}`;
      if (method === "eth_signTypedData_v4") {
        if (opts.reject)
          throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        const [, json] = params as [string, string];
        const typed = JSON.parse(json);
        const { EIP712Domain: _domain, ...types } = typed.types;
        return account.signTypedData({
          domain: typed.domain,
          types,
          primaryType: typed.primaryType,
          message: typed.message,
        });
      }
      throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
    },
  };
}

describe("X402Client against the gateway", () => {
  it("pays a v2 402 with a LocalAccount and returns data and the settlement", async () => {
    const payer = await h.newPayer();
    const before = await h.balanceOf(h.merchantWallet);
    const paid: unknown[] = [];
    const res = await client(payer, { onPaid: (r) => paid.push(r) }).request<{ symbol: string }>({
      path: "/api/signal/btc",
    });
    expect(res.status).toBe(200);
    expect(res.data.symbol).toBe("BTC");
    expect(res.payment).toMatchObject({
      success: true,
      network: h.network,
      quote: { amount: "0.01", symbol: "USDC", x402Version: 2 },
    });
    expect(res.payment?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(paid).toHaveLength(1);
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 10_000n);
  });

  it("pays a v1-only server (no PAYMENT-REQUIRED header) with X-PAYMENT", async () => {
    const payer = await h.newPayer();
    const v1Only: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete("payment-required");
      return new Response(res.body, { status: res.status, headers });
    };
    const res = await client(payer, { fetch: v1Only }).request({
      method: "POST",
      path: "/api/echo",
      body: { hello: "v1" },
    });
    expect(res.data).toMatchObject({ method: "POST", body: JSON.stringify({ hello: "v1" }) });
    expect(res.payment).toMatchObject({
      success: true,
      network: "base-sepolia",
      quote: { x402Version: 1, amount: "0.05" },
    });
  });

  it("pays with a viem WalletClient and with an EIP-1193 provider", async () => {
    const payer = await h.newPayer();
    const walletClient = createWalletClient({
      account: payer,
      chain: h.publicClient.chain,
      transport: http(h.rpcUrl),
    });
    expect(
      (await client(walletClient as never).request({ path: "/api/signal/eth" })).payment?.success,
    ).toBe(true);
    expect(
      (await client(localProvider(payer)).request({ path: "/api/signal/sol" })).payment?.success,
    ).toBe(true);
  });

  it("refuses a price over maxAmount without signing anything", async () => {
    const payer = await h.newPayer();
    let signatures = 0;
    const counting = {
      ...payer,
      type: "local" as const,
      address: payer.address,
      signTypedData: (async (args: never) => {
        signatures += 1;
        return payer.signTypedData(args);
      }) as never,
    };
    const err = await client(counting, { maxAmount: { USDC: "0.005" } })
      .request({ path: "/api/signal/btc" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmountLimitError);
    expect(err).toMatchObject({ code: "amount_limit", amount: "0.01", limit: "0.005" });
    expect(signatures).toBe(0);
  });

  it("surfaces the gateway's rejection reason", async () => {
    const broke = await h.newPayer("0");
    const err = await client(broke)
      .request({ path: "/api/signal/btc" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentRejectedError);
    expect(err).toMatchObject({
      code: "payment_rejected",
      reason: "invalid_exact_evm_insufficient_balance",
    });
  });

  it("reports an upstream failure as UpstreamError, with nothing charged", async () => {
    const payer = await h.newPayer();
    const before = await h.balanceOf(payer.address);
    const err = await client(payer)
      .request({ path: "/api/fail" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 500, body: { error: "upstream exploded" } });
    expect(await h.balanceOf(payer.address)).toBe(before);
  });

  it("gives typed errors for a wallet on the wrong chain, a refused signature, and a non-JSON body", async () => {
    const payer = await h.newPayer();
    const wrongChain = await client(localProvider(payer, { chainId: 1 }))
      .request({ path: "/api/signal/btc" })
      .catch((e: unknown) => e);
    expect(wrongChain).toBeInstanceOf(WalletError);
    expect(wrongChain).toMatchObject({ code: "wallet_error", reason: "wrong_chain" });
    const refused = await client(localProvider(payer, { reject: true }))
      .request({ path: "/api/signal/btc" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WalletError);
    expect(refused).toMatchObject({ code: "wallet_error", reason: "user_rejected" });
    const text = await client(payer)
      .request({ path: "/api/text" })
      .catch((e: unknown) => e);
    expect(text).toBeInstanceOf(ResponseFormatError);
    expect(
      (await client(payer).request<string>({ path: "/api/text", responseType: "text" })).data,
    ).toBe("plain words, not JSON");
  });

  it("asks onPaymentRequired first: a declined quote is a PaymentRequiredError and nothing is signed", async () => {
    const payer = await h.newPayer();
    let signatures = 0;
    const counting = {
      ...payer,
      type: "local" as const,
      address: payer.address,
      signTypedData: (async (args: never) => {
        signatures += 1;
        return payer.signTypedData(args);
      }) as never,
    };
    const quotes: unknown[] = [];
    const err = await client(counting, {
      onPaymentRequired: (quote) => {
        quotes.push(quote);
        return false;
      },
    })
      .request({ path: "/api/signal/btc" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentRequiredError);
    expect(err).toMatchObject({ code: "payment_required", rejections: [{ reason: "declined" }] });
    expect(quotes).toEqual([
      expect.objectContaining({ amount: "0.01", symbol: "USDC", network: h.network }),
    ]);
    expect(signatures).toBe(0);
  });

  it("sends a paid request again when its response was lost after the charge, and is charged once", async () => {
    const payer = await h.newPayer("1");
    const before = await h.balanceOf(payer.address);
    const paidAttempts: string[] = [];
    const lossyFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const signature = new Headers(init?.headers).get("payment-signature");
      if (!signature) return res;
      paidAttempts.push(signature);
      // the first paid attempt reaches the gateway (and is charged), but its answer never arrives
      if (paidAttempts.length === 1) {
        await res.arrayBuffer();
        throw new TypeError("fetch failed: connection reset");
      }
      return res;
    };
    const res = await client(payer, { fetch: lossyFetch }).request<{ symbol: string }>({
      path: "/api/signal/lost",
    });
    expect(res.status).toBe(200);
    expect(res.data.symbol).toBe("LOST");
    expect(res.headers.get("x-x402-idempotent-replay")).toBe("true");
    expect(paidAttempts).toHaveLength(2);
    expect(paidAttempts[1]).toBe(paidAttempts[0]);
    expect(
      JSON.parse(Buffer.from(paidAttempts[0] ?? "", "base64").toString("utf8")).extensions[
        "payment-identifier"
      ].info.id,
    ).toMatch(/^pay_[0-9a-f]{32}$/);
    expect(await h.balanceOf(payer.address)).toBe(before - 10_000n);
  });

  it("turns a timeout and an abort into NetworkError", async () => {
    const payer = await h.newPayer("0");
    await expect(
      client(payer, { timeoutMs: 200 }).request({ path: "/api/free/slow", query: { ms: 2000 } }),
    ).rejects.toMatchObject({
      code: "network_error",
      message: expect.stringContaining("timed out"),
    });
    const controller = new AbortController();
    const pending = client(payer).request({
      path: "/api/free/slow",
      query: { ms: 2000 },
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(NetworkError);
  });

  it("gives a ProtocolError for a 402 that is not x402", async () => {
    const bogus = await serveFetchHandler(
      async () =>
        new Response("<html>pay me</html>", {
          status: 402,
          headers: { "content-type": "text/html" },
        }),
    );
    const garbled = await serveFetchHandler(
      async () =>
        new Response(JSON.stringify({ x402Version: 1, accepts: [{ scheme: "exact" }] }), {
          status: 402,
        }),
    );
    try {
      const payer = await h.newPayer("0");
      await expect(
        new X402Client({ endpoint: bogus.url, wallet: payer, maxAmount: {} }).request({
          path: "/x",
        }),
      ).rejects.toBeInstanceOf(ProtocolError);
      await expect(
        new X402Client({ endpoint: garbled.url, wallet: payer, maxAmount: {} }).request({
          path: "/x",
        }),
      ).rejects.toMatchObject({
        code: "protocol_error",
        message: expect.stringContaining("accepts"),
      });
    } finally {
      await bogus.close();
      await garbled.close();
    }
  });
});

describe("bundles and time passes", () => {
  // in process, so the gateway's public origin (its sign-in domain) is the URL the client calls
  const inProcess: typeof fetch = async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    return handleGatewayRequest(h.runtime, request, {
      merchantId: new URL(request.url).pathname.split("/")[1] ?? "",
    });
  };
  const passClient = (payer: PrivateKeyAccount) =>
    new X402Client({
      endpoint: GATEWAY_ORIGIN,
      merchantId: h.merchant.id,
      wallet: payer,
      maxAmount: { USDC: "0.10" },
      assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
      fetch: inProcess,
    });

  it("buys a time pass once and reuses it instead of paying again", async () => {
    const payer = await h.newPayer();
    const sdk = passClient(payer);
    const before = await h.balanceOf(h.merchantWallet);
    const bought = await sdk.request({ path: "/api/pass/btc" });
    expect(bought.payment?.success).toBe(true);
    expect(bought.entitlement).toMatchObject({ mode: "time_pass", merchantId: h.merchant.id });
    for (let i = 0; i < 5; i++) {
      const res = await sdk.request<{ symbol: string }>({ path: `/api/pass/s${i}` });
      expect(res.status).toBe(200);
      expect(res.payment).toBeNull();
      expect(res.entitlement?.mode).toBe("time_pass");
    }
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 40_000n);
    expect(sdk.entitlements()).toHaveLength(1);
  });

  it("uses a bundle's calls, then buys the next bundle when it is used up", async () => {
    const payer = await h.newPayer();
    const sdk = passClient(payer);
    const paid: boolean[] = [];
    for (let i = 0; i < 4; i++)
      paid.push((await sdk.request({ path: `/api/bundle/c${i}` })).payment !== null);
    expect(paid).toEqual([true, false, false, true]);
    expect(sdk.entitlements()[0]).toMatchObject({ mode: "bundle", remaining: 2 });
  });

  it("signs in with a remembered-nothing client when told to (signIn: always)", async () => {
    const payer = await h.newPayer();
    await passClient(payer).request({ path: "/api/pass/first" });
    const fresh = new X402Client({
      endpoint: GATEWAY_ORIGIN,
      merchantId: h.merchant.id,
      wallet: payer,
      maxAmount: {},
      fetch: inProcess,
      signIn: "always",
    });
    const res = await fresh.request({ path: "/api/pass/again" });
    expect(res.payment).toBeNull();
    expect(res.entitlement?.mode).toBe("time_pass");
  });
});

describe("X402Client against an x402 server no one here wrote", () => {
  it("pays an @x402/next withX402 route", async () => {
    // our facilitator API wants a caller's token and settles only to this platform's payees: the
    // merchant runs its own x402 server against it
    const payTo = h.merchantWallet;
    const before = await h.balanceOf(payTo);
    const auth = { authorization: `Bearer ${h.facilitatorApiToken}` };
    const facilitator = new HTTPFacilitatorClient({
      url: h.facilitatorApiUrl,
      createAuthHeaders: async () => ({ verify: auth, settle: auth, supported: auth }),
    });
    const resourceServer = new x402ResourceServer(facilitator).register(
      h.network as `${string}:${string}`,
      new ExactEvmServerScheme() as never,
    );
    const paidHandler = withX402(
      async () => NextResponse.json({ forecast: "rain" }),
      {
        accepts: {
          scheme: "exact",
          network: h.network as `${string}:${string}`,
          payTo,
          price: { amount: "30000", asset: h.token, extra: { name: "USD Coin", version: "2" } },
        },
        description: "Forecast",
      },
      resourceServer,
    );
    const app = await serveFetchHandler((req) => paidHandler(new NextRequest(req)));
    try {
      const payer = await h.newPayer();
      const res = await new X402Client({
        endpoint: app.url,
        wallet: payer,
        maxAmount: { USDC: "0.05" },
        assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
      }).request({ path: "/forecast" });
      expect(res.data).toEqual({ forecast: "rain" });
      expect(res.payment?.success).toBe(true);
      expect((await h.balanceOf(payTo)) - before).toBe(30_000n);
    } finally {
      await app.close();
    }
  });
});
