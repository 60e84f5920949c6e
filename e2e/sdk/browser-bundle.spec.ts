import path from "node:path";

import { expect, test } from "@playwright/test";

import { accountFor } from "../../server/chain/accounts";
import { readE2EState } from "../fixtures/env";

// The built SDK bundle in Chromium, paying the seeded demo endpoint through an EIP-1193 provider
// whose key stays in the test process (the page asks it to sign, as it would ask a wallet).

test("the SDK's browser bundle pays a gateway endpoint through an EIP-1193 provider", async ({
  page,
}) => {
  const { baseUrl, demoMerchantId, chainId, tokenAddress } = readE2EState();
  const payer = accountFor("payerB");
  await page.exposeFunction("__walletSignTypedDataV4", async (json: string) => {
    const typed = JSON.parse(json);
    const { EIP712Domain: _domain, ...types } = typed.types;
    return payer.signTypedData({
      domain: typed.domain,
      types,
      primaryType: typed.primaryType,
      message: typed.message,
    });
  });
  await page.goto(`${baseUrl}/api/health`);
  await page.addScriptTag({ path: path.resolve("sdk/dist/x402-gateway.global.js") });

  const result = await page.evaluate(
    async ({ demoMerchantId, chainId, tokenAddress, address }) => {
      const w = window as unknown as {
        X402Gateway: {
          X402Client: new (o: unknown) => {
            request: (r: unknown) => Promise<{
              status: number;
              data: unknown;
              payment: { success: boolean; transaction: string } | null;
            }>;
          };
        };
        __walletSignTypedDataV4: (json: string) => Promise<string>;
      };
      const provider = {
        async request({ method, params }: { method: string; params?: unknown[] }) {
          if (method === "eth_accounts" || method === "eth_requestAccounts") return [address];
          if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
          if (method === "eth_signTypedData_v4")
            return w.__walletSignTypedDataV4((params as [string, string])[1]);
          throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
        },
      };
      const client = new w.X402Gateway.X402Client({
        endpoint: location.origin,
        merchantId: demoMerchantId,
        wallet: provider,
        maxAmount: { USDC: "0.05" },
        assets: [
          { network: `eip155:${chainId}`, address: tokenAddress, symbol: "USDC", decimals: 6 },
        ],
      });
      const res = await client.request({ path: "/api/signal/btc" });
      return { status: res.status, data: res.data, payment: res.payment };
    },
    { demoMerchantId, chainId, tokenAddress, address: payer.address },
  );
  expect(result.status).toBe(200);
  expect(result.data).toMatchObject({ symbol: "BTC", paidBy: payer.address.toLowerCase() });
  expect(result.payment?.success).toBe(true);
  expect(result.payment?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
});
