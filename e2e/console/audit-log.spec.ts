import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test.describe("the merchant's audit log", () => {
  test("an owner sees their merchant's entries, with what changed", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { merchantUser, demoMerchantId } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto(`/console/${demoMerchantId}`);
    await page.getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const created = page.getByTestId("audit-row").filter({ hasText: "merchant.create" });
    await expect(created).toHaveCount(1);
    await created.click();
    await expect(page.getByTestId("audit-diff")).toContainText("Demo Signals");
    await page.screenshot({ path: testInfo.outputPath("merchant-audit-log.png"), fullPage: true });
  });
});
