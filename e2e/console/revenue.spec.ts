import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// The merchant's revenue view: after a paid call, each period shows paid calls, revenue, the
// platform's share, net and ARPU, with the chart the admin overview uses.

test("the owner reads revenue by day, week and month with the platform share and ARPU", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor("payerB") });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${chainId}`,
        asset: tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  expect(
    (await wrapFetchWithPayment(fetch, client)(`${baseUrl}/${demoMerchantId}/api/signal/eth`))
      .status,
  ).toBe(200);

  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}`);
  await page.getByRole("link", { name: "Revenue" }).click();
  await expect(page.getByRole("heading", { name: "Revenue" })).toBeVisible();
  for (const tab of ["Last 24 hours", "7 days", "30 days"]) {
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByTestId("revenue-paid-calls")).not.toHaveText("0");
    await expect(page.getByTestId("revenue-gross")).toContainText("USDC");
    await expect(page.getByTestId("revenue-arpu")).toContainText("USDC");
  }
  await expect(page.getByText("Platform share")).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("revenue.png"), fullPage: true });
});
