import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test.describe("admin area gating", () => {
  test("the seeded platform admin reaches the admin console", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { admin, demoMerchantId } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    await page.goto("/admin/merchants");
    await expect(page.getByRole("heading", { name: "Merchants" })).toBeVisible();
    await expect(page.getByText(demoMerchantId)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("admin-merchants.png"), fullPage: true });
  });

  test("a merchant user is refused there, and the admin API answers FORBIDDEN", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { merchantUser } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto("/admin");
    await expect(page.getByText("Platform administrators only")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("admin-refused.png"), fullPage: true });
    const api = await request.get(
      "/api/trpc/admin.merchants.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })),
    );
    expect(api.status()).toBe(403);
  });

  test("a signed-out visitor is sent to the login page", async ({ page }) => {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login\?from=%2Fadmin/);
  });
});
