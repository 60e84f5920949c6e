import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { watchCsp } from "../fixtures/csp";
import { readE2EState } from "../fixtures/env";

test("the paywall leads to the playground, where the demo wallet pays the endpoint", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { demoMerchantId, merchantUser } = readE2EState();
  // the wallet code (wagmi, RainbowKit, the demo wallet's RPC calls) runs under the pages' CSP
  const cspViolations = await watchCsp(page);
  await page.goto(`/${demoMerchantId}/api/signal/eth`);
  await page.getByRole("link", { name: "Pay in the playground" }).click();
  await expect(page).toHaveURL(new RegExp(`/docs/playground\\?merchant=${demoMerchantId}`));
  await expect(page.getByLabel("Path")).toHaveValue("/api/signal/eth");
  // the wallet button renders on the client only: once it shows, the page is hydrated and a click
  // on "Send request" reaches its handler (a click on the server-rendered button is lost)
  await expect(page.getByRole("button", { name: "Connect Wallet" })).toBeVisible();

  await page.getByRole("button", { name: "Send request" }).click();
  const timeline = page.getByTestId("playground-timeline");
  await expect(timeline).toContainText("Payment required: 0.01 USDC");

  await page.getByRole("button", { name: "Connect Wallet" }).click();
  await page.getByTestId("rk-wallet-option-x402-demo").click();
  await expect(page.getByTestId("playground-balance")).toContainText("USDC");
  const before = await page.getByTestId("playground-balance").textContent();
  await page.screenshot({ path: testInfo.outputPath("playground-402.png"), fullPage: true });

  await page.getByRole("button", { name: "Pay and retry" }).click();
  const tx = page.getByTestId("playground-tx");
  await expect(tx).toHaveText(/^0x[0-9a-f]{64}$/, { timeout: 30_000 });
  await expect(page.getByTestId("playground-result")).toContainText('"symbol":"ETH"');
  await expect(timeline).toContainText("Retry with the signed payment");
  await expect(page.getByTestId("playground-balance")).not.toHaveText(before ?? "");
  await page.screenshot({ path: testInfo.outputPath("playground-paid.png"), fullPage: true });
  const hash = (await tx.textContent())?.trim() ?? "";
  expect(await cspViolations()).toEqual([]);

  // the payment is in the merchant's transactions
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/transactions`);
  await expect(
    page
      .getByTestId("transaction-row")
      .filter({ hasText: hash.slice(0, 8) })
      .first(),
  ).toBeVisible();
});

test("the playground lists an endpoint's ways to pay as its 402 offers them", async ({
  page,
  request,
}) => {
  const { demoMerchantId } = readE2EState();
  await page.goto(`/docs/playground?merchant=${demoMerchantId}&path=/api/echo`);
  const options = page.getByTestId("pg-payment-options");
  const offered = await request.get(`/${demoMerchantId}/api/echo`);
  const accepts = (
    JSON.parse(Buffer.from(offered.headers()["payment-required"] ?? "", "base64").toString()) as {
      accepts: { asset: string }[];
    }
  ).accepts;
  await expect(options.getByTestId("payment-option")).toHaveCount(accepts.length);
  await expect(options.getByTestId("payment-option").first()).toContainText(/0\.05\s*USDC/);
  await expect(options.getByTestId("payment-option").nth(1)).toContainText(/0\.05\s*TPUSD/);
  await expect(options.getByTestId("payment-option").nth(1)).toContainText(
    "Permit2 (approve once)",
  );
});
