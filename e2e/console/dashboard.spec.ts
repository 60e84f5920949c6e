import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("the dashboard's numbers move with a paid call", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}`);
  const paid = page.getByTestId("stat-paid-calls");
  await expect(paid).toBeVisible();
  const readPaid = async () => Number((await paid.textContent())?.trim() ?? "NaN");
  const before = await readPaid();

  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor("payerC") });
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
  )(`${baseUrl}/${demoMerchantId}/api/signal/sol`);
  expect(res.status).toBe(200);

  await page.reload();
  await expect.poll(readPaid).toBe(before + 1);
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
});
