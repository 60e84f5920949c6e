import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test.describe("pricing rules in the console", () => {
  test("the owner adds a rule with field errors first, sees it listed, and the tester explains it", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { merchantUser, demoMerchantId } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto(`/console/${demoMerchantId}/pricing`);
    await expect(page.getByRole("heading", { name: "Pricing" })).toBeVisible();
    await expect(page.getByTestId("pricing-rule-row")).toHaveCount(2);
    // the demo prices every method it serves: no method of a priced path is left free
    await expect(page.getByTestId("unpriced-methods").first()).toHaveText("all priced");

    await page.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Path pattern").fill("/api/premium/*");
    await dialog.getByLabel("Price").fill("0.0000001");
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect(dialog.getByText("Use at most 6 decimal places for this asset")).toBeVisible();
    await dialog.getByLabel("Price").fill("0.25");
    await dialog.getByLabel("Description (shown to buyers)").fill("Premium signals");
    await page.screenshot({ path: testInfo.outputPath("pricing-new-rule.png"), fullPage: true });
    await dialog.getByRole("button", { name: "Create rule" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("pricing-rule-row")).toHaveCount(3);
    await expect(page.getByRole("cell", { name: "/api/premium/*" })).toBeVisible();

    await page.getByLabel("Path", { exact: true }).fill("/api/premium/btc");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    const result = page.getByTestId("rule-tester-result");
    // a new rule prices every method unless it names some
    await expect(result).toContainText("Matched ANY /api/premium/*");
    await expect(result).toContainText("0.25 USDC");
    await page.screenshot({ path: testInfo.outputPath("pricing.png"), fullPage: true });

    // the gateway prices the new path at once
    const res = await request.get(`/${demoMerchantId}/api/premium/btc`);
    expect(res.status()).toBe(402);
  });
});
