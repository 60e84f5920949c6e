import { expect, test, type APIRequestContext } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createPublicClient, erc20Abi, http, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// Billing end to end: a merchant paid through the platform (PLATFORM mode) with a 2.5 % fee; three
// paid calls; the admin reads its statement to the atomic unit, runs the settlement (the merchant's
// wallet on anvil grows by the net, a second run pays nothing), refunds one payment (the payer gets
// it back, the payment is REFUNDED) and finds each step in the audit log.

const PRICE = 10_000n;
const FEE = 250n;

async function trpcQuery<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.get(
    `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("statement, settlement run, refund and audit for a PLATFORM-mode merchant with a 2.5 % fee", async ({
  page,
  context,
  request,
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const { admin, baseUrl, rpcUrl, chainId, tokenAddress } = readE2EState();
  const shot = (name: string) =>
    page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const chain = createPublicClient({ transport: http(rpcUrl) });
  const balanceOf = (owner: Address) =>
    chain.readContract({
      address: tokenAddress as Address,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [owner],
    });
  const wallet = privateKeyToAccount(generatePrivateKey()).address;

  // 1. a merchant signs up, chooses to be paid through the platform, and prices its signals
  const visitor = await browser.newContext({ baseURL: E2E_BASE_URL });
  const own = await visitor.newPage();
  await own.goto("/signup");
  await own.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await own.getByLabel("Name").fill("Grace Settled");
  await own.getByLabel("Email").fill(`settled-${Date.now()}@e2e.x402.local`);
  await own.getByLabel("Password").fill("a long enough password");
  await own.getByRole("button", { name: "Create account" }).click();
  await expect(own).toHaveURL(/\/console\/new$/);
  await own.getByLabel("Name").fill("Settled Signals API");
  await own.getByLabel("Upstream base URL").fill(`${baseUrl}/api/demo`);
  await own.getByLabel("Settlement wallet").fill(wallet);
  await own.getByRole("combobox", { name: "How you get paid" }).click();
  await own.getByRole("option", { name: /Through the platform/ }).click();
  await own.getByRole("button", { name: "Create merchant" }).click();
  await expect(own).toHaveURL(/\/console\/mer_[0-9a-z]{20}$/);
  const merchantId = new URL(own.url()).pathname.split("/").at(-1) ?? "";
  await own.getByRole("link", { name: "Pricing" }).click();
  await own.waitForLoadState("networkidle");
  await own.getByRole("button", { name: "New rule" }).click();
  const ruleDialog = own.getByRole("dialog");
  await ruleDialog.getByLabel("Path pattern").fill("/api/signal/*");
  await ruleDialog.getByLabel("Price").fill("0.01");
  await ruleDialog.getByRole("button", { name: "Create rule" }).click();
  await expect(ruleDialog).toBeHidden();
  await visitor.close();

  // 2. the admin gives it a 2.5 % fee template
  await signInViaApi(request, admin);
  await useSessionIn(context, request);
  const templateName = `Settled 2.5 % ${Date.now()}`;
  await page.goto("/admin/fee-templates");
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByLabel("Name").fill(templateName);
  await expect(page.getByLabel("Name")).toHaveValue(templateName);
  await page.getByLabel("Platform take (bps)").fill("250");
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByTestId("fee-template").filter({ hasText: templateName })).toContainText(
    "in force: 2.5 %",
  );
  await page.goto(`/admin/merchants/${merchantId}`);
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByRole("combobox", { name: "Fee template" }).click();
  await page.getByRole("option", { name: new RegExp(templateName) }).click();
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText("Fee template assigned")).toBeVisible();

  // 3. three paid calls from an official client: the treasury receives them
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
  const paying = wrapFetchWithPayment(fetch, client);
  for (const symbol of ["btc", "eth", "sol"]) {
    const res = await paying(`${baseUrl}/${merchantId}/api/signal/${symbol}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }

  // 4. the statement: gross, fee and net to the atomic unit
  await page.goto("/admin/statements");
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByLabel("Merchant id").fill(merchantId);
  const statement = page.getByTestId("statement");
  await expect(statement.getByTestId("statement-gross")).toContainText(String(3n * PRICE));
  await expect(statement.getByTestId("statement-fees")).toContainText(String(3n * FEE));
  await expect(statement.getByTestId("statement-net")).toContainText(String(3n * (PRICE - FEE)));
  await expect(statement.getByTestId("statement-closing")).toContainText(
    String(3n * (PRICE - FEE)),
  );
  await shot("1-statement");

  // 5. a settlement run pays the net to the merchant's wallet on chain; a second run pays nothing
  expect(await balanceOf(wallet)).toBe(0n);
  await page.goto("/admin/settlements");
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByRole("button", { name: "Until now" }).click();
  await page.getByRole("button", { name: "Run settlement" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Run settlement" }).click();
  const payout = page.getByTestId("payout-row").filter({ hasText: "Settled Signals API" });
  await expect(payout).toContainText("Confirmed", { timeout: 30_000 });
  await expect(payout).toContainText(String(3n * (PRICE - FEE)));
  expect(await balanceOf(wallet)).toBe(3n * (PRICE - FEE));
  await shot("2-settlement-run");

  await page.getByRole("button", { name: "Until now" }).click();
  await page.getByRole("button", { name: "Run settlement" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Run settlement" }).click();
  await expect(page.getByTestId("settlement-run").first()).toContainText(
    "Nothing was owed to any merchant for this period.",
    { timeout: 30_000 },
  );
  expect(await balanceOf(wallet)).toBe(3n * (PRICE - FEE));

  // 6. a refund from the treasury restores the payer's balance; the payment is REFUNDED
  const { items } = await trpcQuery<{ items: { id: string; status: string }[] }>(
    request,
    "admin.payments.list",
    { merchantId, limit: 10 },
  );
  const paymentId = items[0]?.id ?? "";
  expect(items).toHaveLength(3);
  const payerBefore = await balanceOf(payer.address);
  await page.goto("/admin/refunds");
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByLabel("Payment id").fill(paymentId);
  await page.getByLabel("Reason").fill("The signal was stale");
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText("Refund sent and confirmed")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("refund-row").filter({ hasText: paymentId })).toContainText(
    "Completed",
  );
  expect(await balanceOf(payer.address)).toBe(payerBefore + PRICE);
  const refunded = await trpcQuery<{ status: string }>(request, "admin.payments.get", {
    id: paymentId,
  });
  expect(refunded.status).toBe("REFUNDED");
  await shot("3-refund");

  // 7. the audit log lists each step
  await page.goto("/admin/audit-log");
  await page.waitForLoadState("networkidle"); // hydrated: typing before it would be lost
  await page.getByLabel("Merchant id").fill(merchantId);
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByTestId("audit-row");
  await expect(rows.filter({ hasText: "refund.create" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "merchant.fee_template.assign" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "pricing_rule.create" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "merchant.create" })).toHaveCount(1);
  await page.getByLabel("Merchant id").fill("");
  await page.getByLabel("Action").fill("settlement_run.start");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(rows.first()).toContainText("settlement_run.start");
  await shot("4-audit-log");
});
