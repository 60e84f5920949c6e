import { expect, test } from "@playwright/test";

import { X402Client } from "../../sdk/src";
import { accountFor } from "../../server/chain/accounts";
import { readE2EState } from "../fixtures/env";

// The merchant journey from nothing: sign up → create merchant → point it at the demo upstream →
// price GET /api/signal/* at 0.01 USDC → create an API key → a buyer pays with the SDK → the
// payment shows in transactions and on the dashboard. A screenshot of every page.

test("from sign-up to the first paid call, in the browser", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const { baseUrl, chainId, tokenAddress } = readE2EState();
  const shot = (name: string) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const email = `journey-${Date.now()}@e2e.x402.local`;

  await page.goto("/signup");
  await page.getByLabel("Name").fill("Journey Merchant");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/console\/new$/);
  await page.getByLabel("Name").fill("Journey Signals");
  await page.getByLabel("Upstream base URL").fill("https://placeholder.example.com");
  await page.getByLabel("Settlement wallet").fill(accountFor("treasury").address);
  await page.getByRole("button", { name: "Create merchant" }).click();
  await expect(page).toHaveURL(/\/console\/mer_[0-9a-z]{20}$/);
  const merchantId = new URL(page.url()).pathname.split("/").at(-1) as string;
  await shot("1-dashboard-empty");

  await page.getByRole("link", { name: "Routing" }).click();
  await page.getByLabel("Upstream base URL").fill(`${baseUrl}/api/demo`);
  await page.getByRole("button", { name: "Save routing" }).click();
  await expect(page.getByText("Routing saved")).toBeVisible();
  await shot("2-routing");

  await page.getByRole("link", { name: "Pricing" }).click();
  await page.getByRole("button", { name: "New rule" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Path pattern").fill("/api/signal/*");
  await dialog.getByLabel("Price").fill("0.01");
  await dialog.getByRole("button", { name: "Create rule" }).click();
  await expect(page.getByTestId("pricing-rule-row")).toHaveCount(1);
  await shot("3-pricing");

  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("journey");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  await page.keyboard.press("Escape");
  await shot("4-api-keys");
  expect(
    (
      await request.get(`/${merchantId}/api/signal/btc`, { headers: { "x-api-key": key } })
    ).status(),
  ).toBe(200);

  // a buyer pays with the SDK
  const buyer = new X402Client({
    endpoint: baseUrl,
    merchantId,
    wallet: accountFor("spare"),
    maxAmount: { USDC: "0.05" },
    networks: [`eip155:${chainId}`],
    assets: [{ network: `eip155:${chainId}`, address: tokenAddress, symbol: "USDC", decimals: 6 }],
  });
  const paid = await buyer.request<{ symbol: string }>({ path: "/api/signal/eth" });
  expect(paid.data.symbol).toBe("ETH");
  expect(paid.payment?.success).toBe(true);

  await page.getByRole("link", { name: "Transactions" }).click();
  await expect(page.getByTestId("transaction-row")).toHaveCount(1);
  await expect(page.getByTestId("transaction-row")).toContainText("api/signal/eth");
  await shot("5-transactions");

  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByTestId("stat-paid-calls")).toHaveText("1");
  await shot("6-dashboard");

  await page.getByRole("link", { name: "Webhooks" }).click();
  await shot("7-webhooks");
  await page.getByRole("link", { name: "Team" }).click();
  await expect(page.getByTestId("team-member-row")).toHaveCount(1);
  await shot("8-team");
});
