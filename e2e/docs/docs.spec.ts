import { expect, test } from "@playwright/test";

test("the docs render from the repo's Markdown, with a sidebar that searches titles", async ({
  page,
}, testInfo) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "How x402 works here", level: 1 })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Sequence diagram of a paid call" })).toContainText(
    "settle on chain",
  );
  await expect(
    page.getByRole("cell", { name: "invalid_exact_evm_insufficient_balance" }).first(),
  ).toBeVisible();
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
  await expect(
    page.getByRole("heading", { name: "Verify gateway requests", level: 1 }),
  ).toBeVisible();
  await expect(page.getByText("class GatewayVerifier:").first()).toBeVisible();
  await expect(page.getByText("func (v *GatewayVerifier) Verify").first()).toBeVisible();
  expect((await page.goto("/docs/nope"))?.status()).toBe(404);
});

test("the merchant API reference renders the generated OpenAPI document with curl and TypeScript samples", async ({
  page,
  request,
}, testInfo) => {
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  expect(await doc.json()).toMatchObject({
    openapi: "3.1.0",
    info: { title: "x402 Gateway merchant API" },
  });
  const unauthenticated = await request.get("/api/v1/merchants/mer_00000000000000000000");
  expect(unauthenticated.status()).toBe(401);
  expect(await unauthenticated.json()).toMatchObject({
    error: { code: "unauthorized", requestId: expect.any(String) },
  });

  await page.goto("/docs/api-reference");
  await expect(
    page.getByRole("heading", { name: "Merchant API reference", level: 1 }),
  ).toBeVisible();
  const reference = page.getByTestId("api-reference");
  await expect(
    reference.getByRole("heading", { name: "x402 Gateway merchant API", level: 1 }),
  ).toBeVisible({ timeout: 20_000 });
  await expect(reference.getByRole("list", { name: "Merchant endpoints" })).toContainText(
    "/merchants/{merchantId}/routing/test-call",
  );
  await page.screenshot({ path: testInfo.outputPath("api-reference.png"), fullPage: false });
  await page.goto("/docs/merchant-api");
  await expect(page.getByRole("heading", { name: "Merchant API", level: 1 })).toBeVisible();
  await expect(page.getByText("Idempotency-Key").first()).toBeVisible();
});
