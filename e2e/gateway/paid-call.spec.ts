import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { readE2EState } from "../fixtures/env";

// The gateway as deployed: the Next.js production build's route handler, the demo merchant from the
// seed, the demo upstream served by the same app, and anvil.

test.describe("the gateway in the production build", () => {
  test("a free path streams straight through", async ({ request }) => {
    const { baseUrl, demoMerchantId } = readE2EState();
    const res = await request.get(`${baseUrl}/${demoMerchantId}/api/free/hello?x=1`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, path: "/api/free/hello" });
  });

  test("an unknown merchant is a 404 JSON error", async ({ request }) => {
    const { baseUrl } = readE2EState();
    const res = await request.get(`${baseUrl}/mer_zzzzzzzzzzzzzzzzzzzz/api/signal/btc`);
    expect(res.status()).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "merchant_not_found" } });
  });

  test("an official x402 client pays the demo endpoint and gets the signal", async () => {
    const { baseUrl, demoMerchantId, chainId, tokenAddress } = readE2EState();
    const client = new x402Client();
    registerExactEvmScheme(client, { signer: accountFor("demoPayer") });
    client.setSpendControls({
      allowedAssets: [
        {
          network: `eip155:${chainId}`,
          asset: tokenAddress.toLowerCase(),
          maxAmountPerPayment: "100000",
        },
      ],
    });
    const res = await wrapFetchWithPayment(
      fetch,
      client,
    )(`${baseUrl}/${demoMerchantId}/api/signal/btc`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      symbol: "BTC",
      paidBy: accountFor("demoPayer").address.toLowerCase(),
    });
    const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, network: `eip155:${chainId}` });
  });

  test("a browser opening a paid URL sees the paywall with the price and a playground link", async ({
    page,
  }, testInfo) => {
    const { baseUrl, demoMerchantId } = readE2EState();
    const res = await page.goto(`${baseUrl}/${demoMerchantId}/api/signal/eth`);
    expect(res?.status()).toBe(402);
    await expect(page.getByText("0.01 USDC")).toBeVisible();
    await expect(page.getByRole("link", { name: "Pay in the playground" })).toHaveAttribute(
      "href",
      new RegExp(`/docs/playground\\?merchant=${demoMerchantId}`),
    );
    await page.screenshot({ path: testInfo.outputPath("paywall.png"), fullPage: true });
  });

  test("our facilitator API answers /supported to a caller with a token, and refuses one without", async ({
    request,
  }) => {
    const { baseUrl, chainId, facilitatorApiToken } = readE2EState();
    const anonymous = await request.get(`${baseUrl}/api/facilitator/supported`);
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    const res = await request.get(`${baseUrl}/api/facilitator/supported`, {
      headers: { authorization: `Bearer ${facilitatorApiToken}` },
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).kinds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ x402Version: 2, scheme: "exact", network: `eip155:${chainId}` }),
      ]),
    );
  });
});
