import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// Settlement policies in the console: the owner turns deferred settlement on with a cap, prices a
// route as deferred (the form explains each policy in plain words), a paid call is answered before
// its payment moves, and the app's own queue settles it.

test("the owner sets up deferred settlement and a deferred route is answered at once, then settled by the queue", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { baseUrl, demoMerchantId, chainId, tokenAddress, merchantUser } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);

  // 1. settings: a bad cap is refused on its field, a good one is saved with the switch on
  await page.goto(`/console/${demoMerchantId}/settings`);
  const card = page.locator("form", { has: page.getByLabel("Cap per buyer") });
  // the form is reset from the loaded settings: fill it only after they arrived
  await expect(card.getByText(/waiting to settle/)).toBeVisible();
  await card.getByLabel("Cap per buyer").fill("-1");
  await card.getByRole("switch", { name: "Deferred settlement" }).click();
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByText("Enter a decimal number like 0.01")).toBeVisible();
  await card.getByLabel("Cap per buyer").fill("1.00");
  await card.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Deferred settlement saved")).toBeVisible();
  await page.reload();
  await expect(card.getByLabel("Cap per buyer")).toHaveValue("1");
  await expect(card.getByRole("switch", { name: "Deferred settlement" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  // 2. pricing: a GET /api/echo/* rule settled DEFERRED, with the policy explained
  await page.goto(`/console/${demoMerchantId}/pricing`);
  await page.getByRole("button", { name: "New rule" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Path pattern").fill("/api/echo/*");
  await dialog.getByLabel("Price").fill("0.02");
  await expect(dialog.getByTestId("settlement-policy-explanation")).toContainText(
    "Buyers never pay for a failed call",
  );
  await dialog.getByRole("combobox", { name: "Settlement" }).click();
  await page.getByRole("option", { name: "Deferred (answer first, settle right after)" }).click();
  await expect(dialog.getByTestId("settlement-policy-explanation")).toContainText(
    "nearly as fast as free ones",
  );
  await page.screenshot({ path: testInfo.outputPath("deferred-rule.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Create rule" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByTestId("pricing-rule-row").filter({ hasText: "/api/echo/*" }),
  ).toContainText("Deferred");

  // 3. an official client pays: answered before the money moved, then the queue settles it
  const payer = accountFor("payerC");
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: payer });
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
  )(`${baseUrl}/${demoMerchantId}/api/echo/deferred-call`);
  expect(res.status).toBe(200);
  expect(res.headers.get("x-x402-settlement")).toBe("deferred");
  expect(await res.json()).toMatchObject({ method: "GET", path: "/api/echo/deferred-call" });

  const row = page.getByTestId("transaction-row").first();
  await expect(async () => {
    // a fresh page each time: the list query is cached per filter
    await page.goto(`/console/${demoMerchantId}/transactions`);
    await page.getByLabel("Endpoint contains").fill("/api/echo/deferred-call");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(row).toContainText("Settled", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(row).toContainText("0.02");
  await page.screenshot({ path: testInfo.outputPath("deferred-settled.png"), fullPage: true });

  await page.goto(`/console/${demoMerchantId}/settings`);
  await expect(page.getByTestId("deferred-queue")).toContainText("0 payments waiting to settle");
});
