import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { ExactEvmScheme as ExactEvmServerScheme } from "@x402/evm/exact/server";
import { wrapFetchWithPayment } from "@x402/fetch";
import { withX402, x402ResourceServer } from "@x402/next";
import { NextRequest, NextResponse } from "next/server";
import { createWalletClient, http } from "viem";
import { wrapFetchWithPayment as wrapFetchWithPaymentV1, decodeXPaymentResponse } from "x402-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { handleGatewayNode } from "@/server/gateway/handle-request";
import { serveFetchHandler } from "@/server/http/node-adapter";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// The ecosystem's own clients and servers against ours, over real sockets: no x402 code of ours
// on the other side.

const database = useTestDatabase();
let h: GatewayHarness;
let gateway: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  // the self-hosted server's node:http path (gateway.int.test.ts covers the fetch-style one)
  const server = createServer((req, res) => {
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(h.runtime, req, res, { merchantId, origin: GATEWAY_ORIGIN });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterAll(async () => {
  await gateway?.close();
  await h?.close();
});

/** An official v2 client that may pay in the local test token (not one of its default assets). */
function payingClient(payer: Parameters<typeof registerExactEvmScheme>[1]["signer"]): x402Client {
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
  return client;
}

describe("official x402 clients pay the gateway on anvil", () => {
  it("@x402/fetch (v2) gets the upstream body and a decodable PAYMENT-RESPONSE; the merchant is paid", async () => {
    const payer = await h.newPayer();
    const client = payingClient(payer);
    const payingFetch = wrapFetchWithPayment(fetch, client);
    const before = await h.balanceOf(h.merchantWallet);

    const res = await payingFetch(`${gateway.url}/${h.merchant.id}/api/signal/btc`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ symbol: "BTC", paidBy: payer.address.toLowerCase() });
    const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, network: h.network, payer: payer.address });
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 10_000n);
    const payment = await database.db.payment.findFirst({
      where: { txHash: settlement.transaction.toLowerCase() },
    });
    expect(payment).toMatchObject({ status: "SETTLED", x402Version: 2 });
  });

  it("x402-fetch (v1) gets the upstream body and a decodable X-PAYMENT-RESPONSE; the merchant is paid", async () => {
    const payer = await h.newPayer();
    const wallet = createWalletClient({
      account: payer,
      chain: h.publicClient.chain,
      transport: http(h.rpcUrl),
    });
    const payingFetch = wrapFetchWithPaymentV1(fetch, wallet as never, 100_000n);
    const before = await h.balanceOf(h.merchantWallet);

    const res = await payingFetch(`${gateway.url}/${h.merchant.id}/api/echo`, {
      method: "POST",
      body: "ping",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ method: "POST", body: "ping" });
    const settlement = decodeXPaymentResponse(res.headers.get("x-payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, network: "base-sepolia" });
    expect(await h.balanceOf(h.merchantWallet)).toBe(before + 50_000n);
    const payment = await database.db.payment.findFirst({
      where: { txHash: String(settlement.transaction).toLowerCase() },
    });
    expect(payment).toMatchObject({ status: "SETTLED", x402Version: 1 });
  });
});

describe("our facilitator API serves an x402 server no one here wrote", () => {
  it("@x402/next's withX402, configured with our /api/facilitator URL, accepts a payment from @x402/fetch", async () => {
    // our facilitator settles only to this platform's payees: the merchant runs its own x402 server
    const payTo = h.merchantWallet;
    const auth = { Authorization: `Bearer ${h.facilitatorApiToken}` };
    const facilitatorClient = new HTTPFacilitatorClient({
      url: h.facilitatorApiUrl,
      createAuthHeaders: async () => ({ verify: auth, settle: auth, supported: auth }),
    });
    const resourceServer = new x402ResourceServer(facilitatorClient).register(
      h.network as `${string}:${string}`,
      new ExactEvmServerScheme() as never,
    );
    const paidHandler = withX402(
      async () => NextResponse.json({ weather: "sunny" }),
      {
        accepts: {
          scheme: "exact",
          network: h.network as `${string}:${string}`,
          payTo,
          price: { amount: "20000", asset: h.token, extra: { name: "USD Coin", version: "2" } },
        },
        description: "Weather, served by a third-party x402 server",
      },
      resourceServer,
    );
    const app = await serveFetchHandler((req) => paidHandler(new NextRequest(req)));
    try {
      const payer = await h.newPayer();
      const client = payingClient(payer);
      const before = await h.balanceOf(payTo);
      const res = await wrapFetchWithPayment(fetch, client)(`${app.url}/weather`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ weather: "sunny" });
      const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
      expect(settlement.success).toBe(true);
      expect(await h.balanceOf(payTo)).toBe(before + 20_000n);
    } finally {
      await app.close();
    }
  });

  it("answers /supported with the exact scheme on the local network in both versions, and refuses a malformed body", async () => {
    const auth = { authorization: `Bearer ${h.facilitatorApiToken}` };
    const supported = await (
      await fetch(`${h.facilitatorApiUrl}/supported`, { headers: auth })
    ).json();
    expect(supported.kinds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ x402Version: 2, scheme: "exact", network: h.network }),
        expect.objectContaining({ x402Version: 1, scheme: "exact", network: "base-sepolia" }),
      ]),
    );
    const bad = await fetch(`${h.facilitatorApiUrl}/verify`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", ...auth },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
  });
});
