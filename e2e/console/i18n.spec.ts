import { expect, test, type Page } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// Issue 25, merchant console: a Chinese browser gets every console page in Chinese, and the
// transactions filter leaves its "Endpoint contains" field wide enough for its placeholder in
// both languages (the 1280 px Desktop Chrome viewport of playwright.config.ts).

/** Words that stay as they are in Chinese text (GLOSSARY.md "Keep as-is"). */
const KEPT_WORDS = new Set(["Webhook", "API", "USDC", "ARPU", "ID", "IP", "URL", "JSON"]);

/** Latin words in a heading once the glossary's kept terms are set aside. */
function englishWordsIn(text: string): string[] {
  return (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !KEPT_WORDS.has(w) && !/^p\d+$/.test(w));
}

async function headingsOf(page: Page): Promise<string[]> {
  // card titles inside the statement carry the merchant's own name, which is data
  return page
    .locator('main h1, main h2, main [data-slot="card-title"]:not([data-testid="statement"] *)')
    .allInnerTexts();
}

/** Each console page and its title in Chinese. */
const PAGES: [path: string, title: string][] = [
  ["", "概览"],
  ["/transactions", "交易记录"],
  ["/calls", "调用日志"],
  ["/revenue", "收入"],
  ["/statements", "对账单"],
  ["/refunds", "退款"],
  ["/pricing", "定价规则"],
  ["/entitlements", "时段通行证与次数包"],
  ["/routing", "上游路由"],
  ["/keys", "API 密钥"],
  ["/webhooks", "Webhook"],
  ["/alerts", "告警"],
  ["/team", "团队"],
  ["/settings", "设置"],
  ["/audit", "操作日志"],
];

test.describe("in a Chinese browser", () => {
  test.use({ locale: "zh-CN" });

  test.beforeEach(async ({ context, request }) => {
    await signInViaApi(request, readE2EState().merchantUser);
    await useSessionIn(context, request);
  });

  for (const [path, title] of PAGES) {
    test(`console${path || " dashboard"} shows its title and headings in Chinese`, async ({
      page,
    }) => {
      await page.goto(`/console/${readE2EState().demoMerchantId}${path}`);
      await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
      await expect(page).toHaveTitle(new RegExp(title));
      // the client components have rendered their cards by now
      await expect(page.locator('main [data-slot="card"]').first()).toBeVisible();
      const english = (await headingsOf(page)).flatMap((h) =>
        englishWordsIn(h).map((w) => `"${h}" (${w})`),
      );
      expect(english).toEqual([]);
    });
  }

  test("the pricing page's rule tester answers in Chinese", async ({ page }, testInfo) => {
    await page.goto(`/console/${readE2EState().demoMerchantId}/pricing`);
    await expect(page.getByText("哪条规则会匹配？")).toBeVisible();
    await expect(page.getByRole("button", { name: "新建规则" })).toBeVisible();
    await page.getByRole("button", { name: "测试", exact: true }).click();
    await expect(page.getByTestId("rule-tester-result")).toContainText("匹配到");
    await page.screenshot({ path: testInfo.outputPath("pricing-zh-CN.png"), fullPage: true });
  });
});

for (const locale of ["en", "zh-CN"] as const) {
  test.describe(`transactions filter (${locale})`, () => {
    test.use({ locale });

    test("the path field is wide enough to show its whole placeholder at 1280 px", async ({
      page,
      context,
      request,
    }, testInfo) => {
      const { merchantUser, demoMerchantId } = readE2EState();
      await signInViaApi(request, merchantUser);
      await useSessionIn(context, request);
      await page.goto(`/console/${demoMerchantId}/transactions`);
      expect(page.viewportSize()?.width).toBe(1280);
      const field = page.locator("#tx-path");
      await expect(field).toBeVisible();
      await expect(
        page.getByLabel(locale === "en" ? "Endpoint contains" : "接口路径包含"),
      ).toBeVisible();
      await page.screenshot({ path: testInfo.outputPath(`transactions-filter-${locale}.png`) });

      // An input scrolls once its text is wider than its box: typed in, the placeholder must not.
      const placeholder = await field.getAttribute("placeholder");
      expect(placeholder).toBeTruthy();
      await field.fill(placeholder ?? "");
      const fits = await field.evaluate((input: HTMLInputElement) => ({
        scroll: input.scrollWidth,
        client: input.clientWidth,
      }));
      expect(fits.scroll).toBeLessThanOrEqual(fits.client);
      // and with some room to spare for a real path
      expect(fits.client).toBeGreaterThanOrEqual(200);
      await field.fill("");
    });
  });
}
