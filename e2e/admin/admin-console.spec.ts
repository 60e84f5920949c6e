import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// The admin's review loop end to end: a merchant signs up while review is required, the admin
// approves it (its gateway URL starts serving), disables it with a reason (403 at once), re-enables
// it, creates a 2.5 % fee template and assigns it, and finds every step in the audit log.

async function setRequireReview(request: APIRequestContext, value: boolean) {
  // a console mutation must name our origin, as the admin's browser does (CSRF check)
  const res = await request.post("/api/trpc/admin.settings.setRequireReview", {
    data: { json: { value } },
    headers: { origin: E2E_BASE_URL },
  });
  expect(res.status()).toBe(200);
}

async function confirmInDialog(page: Page, button: string) {
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test.describe("admin console", () => {
  test("approves, disables and re-enables a merchant, assigns a 2.5 % fee template, and audits each step", async ({
    page,
    context,
    request,
    browser,
  }, testInfo) => {
    const { admin, baseUrl } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    try {
      // 1. new merchants now wait for review
      await page.goto("/admin/merchants");
      await expect(page.getByRole("heading", { name: "Merchants" })).toBeVisible();
      const review = page.getByRole("switch", { name: "New merchants need review" });
      await expect(review).toBeEnabled();
      if (!(await review.isChecked())) await review.click();
      await expect(review).toBeChecked();

      // 2. someone signs up and creates a merchant, in their own browser session
      const visitor = await browser.newContext({ baseURL: E2E_BASE_URL });
      const signup = await visitor.newPage();
      await signup.goto("/signup");
      await signup.getByLabel("Name").fill("Ada Review");
      await signup.getByLabel("Email").fill(`review-${Date.now()}@e2e.x402.local`);
      await signup.getByLabel("Password").fill("a long enough password");
      await signup.getByRole("button", { name: "Create account" }).click();
      await expect(signup).toHaveURL(/\/console\/new$/);
      await signup.getByLabel("Name").fill("Pending Weather API");
      await signup.getByLabel("Upstream base URL").fill(`${baseUrl}/api/demo`);
      await signup
        .getByLabel("Settlement wallet")
        .fill("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
      await signup.getByRole("button", { name: "Create merchant" }).click();
      await expect(signup).toHaveURL(/\/console\/mer_[0-9a-z]{20}$/);
      const merchantId = new URL(signup.url()).pathname.split("/").at(-1) ?? "";
      await visitor.close();

      const gateway = () => request.get(`/${merchantId}/api/free`);
      const pending = await gateway();
      expect(pending.status()).toBe(403);
      expect(await pending.json()).toMatchObject({ error: { code: "merchant_inactive" } });

      // 3. the admin finds it and approves it
      await page.getByLabel("Name or id").fill(merchantId);
      await page.getByRole("button", { name: "Filter" }).click();
      await expect(page.getByTestId("merchant-row")).toHaveCount(1);
      await expect(page.getByTestId("merchant-row")).toContainText("Pending review");
      await page.screenshot({
        path: testInfo.outputPath("1-pending-merchant.png"),
        fullPage: true,
      });
      await page.getByRole("link", { name: "Pending Weather API" }).click();
      await expect(page.locator("h1")).toContainText("Pending review");
      await page.getByRole("button", { name: "Approve" }).click();
      await page.screenshot({ path: testInfo.outputPath("2-approve-dialog.png") });
      await confirmInDialog(page, "Approve");
      await expect(page.locator("h1")).toContainText("Active");
      const approved = await gateway();
      expect(approved.status()).toBe(200);
      expect(await approved.json()).toMatchObject({ ok: true });

      // 4. disabled with a reason: the gateway refuses at once
      await page.getByRole("button", { name: "Disable" }).click();
      await page
        .getByRole("alertdialog")
        .getByRole("button", { name: "Disable", exact: true })
        .click();
      await expect(
        page.getByText("Say why the merchant is disabled (at least 3 characters)"),
      ).toBeVisible();
      await page.getByLabel("Reason").fill("Chargebacks under investigation");
      await page.screenshot({ path: testInfo.outputPath("3-disable-dialog.png") });
      await confirmInDialog(page, "Disable");
      await expect(page.locator("h1")).toContainText("Disabled");
      await expect(page.getByTestId("status-reason")).toHaveText(
        "Disabled: Chargebacks under investigation",
      );
      const disabled = await gateway();
      expect(disabled.status()).toBe(403);
      expect(await disabled.json()).toMatchObject({
        error: { code: "merchant_inactive", message: "This merchant is disabled" },
      });

      // 5. re-enabled: served again
      await page.getByRole("button", { name: "Re-enable" }).click();
      await confirmInDialog(page, "Re-enable");
      await expect(page.locator("h1")).toContainText("Active");
      expect((await gateway()).status()).toBe(200);

      // 6. a 2.5 % fee template, assigned to the merchant
      const templateName = `E2E 2.5 % ${Date.now()}`;
      await page.goto("/admin/fee-templates");
      await page.getByLabel("Name").fill(templateName);
      await page.getByLabel("Platform take (bps)").fill("10001");
      await page.getByRole("button", { name: "Create template" }).click();
      await expect(page.getByText("A fee cannot exceed 100 % (10000 bps)")).toBeVisible();
      await page.getByLabel("Platform take (bps)").fill("250");
      await page.getByRole("button", { name: "Create template" }).click();
      const template = page.getByTestId("fee-template").filter({ hasText: templateName });
      await expect(template).toContainText("in force: 2.5 %");
      await page.screenshot({ path: testInfo.outputPath("4-fee-templates.png"), fullPage: true });

      await page.goto(`/admin/merchants/${merchantId}`);
      await page.getByRole("combobox", { name: "Fee template" }).click();
      await page.getByRole("option", { name: new RegExp(templateName) }).click();
      await page.getByRole("button", { name: "Assign" }).click();
      await expect(page.getByText("Fee template assigned")).toBeVisible();

      // 7. the audit log lists every step, newest first, with the diff
      await page.goto("/admin/audit-log");
      await page.getByLabel("Merchant id").fill(merchantId);
      await page.getByRole("button", { name: "Filter" }).click();
      const rows = page.getByTestId("audit-row");
      await expect(rows).toHaveCount(5);
      await expect(rows.nth(0)).toContainText("merchant.fee_template.assign");
      await expect(rows.nth(1)).toContainText("merchant.enable");
      await expect(rows.nth(2)).toContainText("merchant.disable");
      await expect(rows.nth(3)).toContainText("merchant.approve");
      await expect(rows.nth(4)).toContainText("merchant.create");
      await expect(rows.nth(2)).toContainText(admin.email);
      await expect(rows.nth(2)).toContainText("PLATFORM_ADMIN");
      await rows.nth(2).click();
      await expect(page.getByTestId("audit-diff")).toContainText("Chargebacks under investigation");
      await page.screenshot({ path: testInfo.outputPath("5-audit-log.png"), fullPage: true });

      await page.getByLabel("Merchant id").fill("");
      await page.getByLabel("Action").fill("fee_template.create");
      await page.getByRole("button", { name: "Filter" }).click();
      await expect(rows.first()).toContainText("fee_template.create");
      await rows.first().click();
      await expect(page.getByTestId("audit-diff")).toContainText(templateName);
    } finally {
      // later specs sign up merchants and expect them active
      await setRequireReview(request, false);
    }
  });

  test("a merchant's page lists each rule's ways to pay as its 402 offers them", async ({
    page,
    context,
    request,
  }) => {
    const { admin, demoMerchantId } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    await page.goto(`/admin/merchants/${demoMerchantId}`);
    const echo = page.getByRole("row").filter({ hasText: "/api/echo" });
    const options = echo.getByTestId("rule-payment-options").getByTestId("payment-option");
    await expect(options).toHaveCount(2);
    await expect(options.nth(0)).toContainText(/0\.05\s*USDC/);
    await expect(options.nth(0)).toContainText("exact price");
    await expect(options.nth(1)).toContainText(/0\.05\s*TPUSD/);
    await expect(options.nth(1)).toContainText("Permit2 (approve once)");
  });

  test("the overview, payments and errors pages show platform-wide numbers", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { admin, demoMerchantId } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    // a call of our own, so the last 24 hours are not empty whatever ran before (the access log is
    // written in batches: wait for the API to count it, not for a fixed time)
    expect((await request.get(`/${demoMerchantId}/api/free`)).status()).toBe(200);
    const dayCalls = async () => {
      const res = await request.get(
        `/api/trpc/admin.overview.get?input=${encodeURIComponent(JSON.stringify({ json: { period: "day" } }))}`,
      );
      return ((await res.json()) as { result: { data: { json: { calls: number } } } }).result.data
        .json.calls;
    };
    await expect.poll(dayCalls).toBeGreaterThan(0);
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();
    await expect(page.getByTestId("overview-stats")).toContainText("Platform fee income");
    await page.getByRole("tab", { name: "Last 24 hours" }).click();
    await expect(page.getByTestId("overview-calls")).toHaveText(/^[1-9]\d*$/);
    await page.getByRole("tab", { name: "30 days" }).click();
    await expect(page.getByRole("tab", { name: "30 days" })).toHaveAttribute(
      "data-state",
      "active",
    );
    await page.screenshot({ path: testInfo.outputPath("overview.png"), fullPage: true });

    await page.goto(`/admin/payments?merchantId=${demoMerchantId}`);
    await expect(page.getByRole("heading", { name: "Payments", exact: true })).toBeVisible();
    await expect(page.getByLabel("Merchant id")).toHaveValue(demoMerchantId);
    await page.screenshot({ path: testInfo.outputPath("payments.png"), fullPage: true });
    await page.goto("/admin/errors");
    await expect(page.getByRole("heading", { name: "Errors", exact: true })).toBeVisible();
    await expect(page.getByRole("tab", { name: "7 days" })).toHaveAttribute("data-state", "active");
    await page.screenshot({ path: testInfo.outputPath("errors.png"), fullPage: true });
  });
});
