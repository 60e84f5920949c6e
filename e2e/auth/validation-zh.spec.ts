import { expect, test, type Locator } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// Issue 25: the errors a form shows are in the person's language too — the browser's own checks
// (zod's built-in issues and the schemas' messages) and the field errors the server sends back.

/** The texts of every field error a form shows right now. */
async function fieldErrors(scope: Locator): Promise<string[]> {
  return scope.locator('[data-slot="form-message"]').allInnerTexts();
}

/** Field errors written in Chinese: Han characters and no English words (kept terms like URL or USDC aside). */
function expectChinese(messages: string[]) {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    expect(message, message).toMatch(/\p{Script=Han}/u);
    // paths like /api/* are code, not English
    expect(message.replace(/\/\S*/g, "").match(/\b[a-z]{3,}\b/g) ?? [], message).toEqual([]);
  }
}

test.describe("form errors in a Chinese browser", () => {
  test.use({ locale: "zh-CN" });

  test("sign-up shows its field errors in Chinese", async ({ page }) => {
    await page.goto("/signup");
    await page.getByLabel("邮箱").fill("not-an-email");
    await page.getByLabel("密码").fill("short");
    await page.getByRole("button", { name: "创建账号" }).click();
    const form = page.locator("form");
    await expect(form.locator('[data-slot="form-message"]')).toHaveCount(3);
    const messages = await fieldErrors(form);
    expectChinese(messages);
    // the password's minimum length reaches the message
    expect(messages.join(" ")).toContain("10");
  });

  test("a pricing rule with an invalid price shows the server's field error in Chinese", async ({
    page,
    context,
    request,
  }) => {
    const { merchantUser, demoMerchantId } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto(`/console/${demoMerchantId}/pricing`);
    await page.getByRole("button", { name: "新建规则" }).click();
    const dialog = page.getByRole("dialog");

    // the browser's check: nothing entered
    await dialog.getByRole("button", { name: "创建规则" }).click();
    await expect(dialog.locator('[data-slot="form-message"]').first()).toBeVisible();
    expectChinese(await fieldErrors(dialog));

    // the server's checks: more decimals than the asset has, then a zero price
    await dialog.getByLabel("路径模式").fill("/api/zh-validation/*");
    await dialog.getByLabel("价格").fill("0.0000001");
    await dialog.getByRole("button", { name: "创建规则" }).click();
    const priceError = dialog.locator('[data-slot="form-message"]');
    await expect(priceError).toHaveCount(1);
    await expect(priceError).toContainText("6");
    expectChinese(await fieldErrors(dialog));

    await dialog.getByLabel("价格").fill("0");
    await dialog.getByRole("button", { name: "创建规则" }).click();
    await expect(priceError).not.toContainText("6");
    expectChinese(await fieldErrors(dialog));
  });
});
