import { expect, test } from "@playwright/test";

import { readE2EState } from "../fixtures/env";

// Issue 25: the language comes from the browser (Accept-Language) until the switch sets the
// NEXT_LOCALE cookie; the choice survives reloads and signing in. The gateway's paywall follows
// the same rule. `locale: "zh-CN"` makes Chromium send Accept-Language: zh-CN.
test.use({ locale: "zh-CN" });

test("a Chinese browser gets the sign-in page in Chinese; the switch to English is remembered across reload and sign-in", async ({
  page,
  context,
}) => {
  const { merchantUser } = readE2EState();
  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByText("欢迎回来，请登录您的控制台。")).toBeVisible();
  await expect(page.getByRole("button", { name: "登录" })).toBeEnabled();

  await page.getByRole("button", { name: "语言" }).click();
  await page.getByRole("menuitem", { name: "English" }).click();
  await expect(page.getByText("Welcome back. Sign in to your console.")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("en");

  await page.reload();
  await expect(page.getByText("Welcome back. Sign in to your console.")).toBeVisible();

  await page.getByLabel("Email").fill(merchantUser.email);
  await page.getByLabel("Password").fill(merchantUser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Dashboard" }),
  ).toBeVisible();

  // and back to Chinese from the console shell
  await page.getByRole("button", { name: "Language" }).click();
  await page.getByRole("menuitem", { name: "简体中文" }).click();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "导航" }).getByRole("link", { name: "交易记录" }),
  ).toBeVisible();
});

test("the paywall a Chinese browser sees on a paid URL is in Chinese", async ({ page }) => {
  const { baseUrl, demoMerchantId } = readE2EState();
  const res = await page.goto(`${baseUrl}/${demoMerchantId}/api/signal/eth`);
  expect(res?.status()).toBe(402);
  expect((await res?.request().allHeaders())?.["accept"]).toContain("text/html");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByText("402 · 需要支付")).toBeVisible();
  await expect(page.getByText("0.01 USDC")).toBeVisible();
  await expect(page.getByRole("link", { name: "前往在线调试台支付" })).toHaveAttribute(
    "href",
    new RegExp(`/docs/playground\\?merchant=${demoMerchantId}`),
  );
});
