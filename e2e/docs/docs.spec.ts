import { expect, test } from "@playwright/test";

test("the docs render from the repo's Markdown, with a sidebar that searches titles", async ({ page }, testInfo) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "How x402 works here", level: 1 })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Sequence diagram of a paid call" })).toContainText("settle on chain");
  await expect(page.getByRole("cell", { name: "invalid_exact_evm_insufficient_balance" }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("docs-flow.png"), fullPage: true });

  const nav = page.getByRole("navigation", { name: "Documentation" });
  await nav.getByLabel("Search the docs").fill("facilitator");
  await expect(nav.getByRole("link")).toHaveCount(1);
  await nav.getByRole("link", { name: "Facilitator API" }).click();
  await expect(page).toHaveURL(/\/docs\/facilitator$/);
  await expect(page.getByText("/api/facilitator/verify").first()).toBeVisible();

  await page.goto("/docs/sdk");
  await expect(page.getByRole("heading", { name: "TypeScript SDK", level: 1 })).toBeVisible();
  await expect(page.getByText("PaymentRejectedError").first()).toBeVisible();
  // the Python and Go snippets are the files the integration tests run, included verbatim
  await page.goto("/docs/verify-gateway-requests");
  await expect(page.getByRole("heading", { name: "Verify gateway requests", level: 1 })).toBeVisible();
  await expect(page.getByText("class GatewayVerifier:").first()).toBeVisible();
  await expect(page.getByText("func (v *GatewayVerifier) Verify").first()).toBeVisible();
  expect((await page.goto("/docs/nope"))?.status()).toBe(404);
});
