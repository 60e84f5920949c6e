import { expect, test } from "@playwright/test";

// Issue 25: the docs and the playground in Chinese. The main guides have a Chinese version; the
// others show the English text under a note saying so.
test.use({ locale: "zh-CN" });

// an English word a reader would see (all-caps tokens such as URL, SDK, API and product names pass)
const ENGLISH_WORD = /\b(?!Facilitator\b|Python\b)[A-Z]?[a-z]{2,}\b/;

test("the docs' main pages are in Chinese; an English-only page says so", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { name: "x402 支付流程", level: 1 })).toBeVisible();
  await expect(page.getByRole("figure", { name: "付费调用时序图" })).toContainText("链上结算");
  await expect(page.getByRole("heading", { name: "资金何时转移", level: 2 })).toBeVisible();
  await expect(page.getByTestId("english-only")).toHaveCount(0);
  for (const heading of await page.locator("main h1, main h2").allTextContents())
    expect(heading, heading).not.toMatch(ENGLISH_WORD);

  const nav = page.getByRole("navigation", { name: "文档目录" });
  await nav.getByLabel("搜索文档").fill("对账单");
  await expect(nav.getByRole("link")).toHaveCount(1);
  await nav.getByRole("link", { name: "手续费、对账单、结算出款与退款" }).click();
  await expect(page).toHaveURL(/\/docs\/billing$/);
  await expect(page.getByRole("heading", { name: "结算模式", level: 2 })).toBeVisible();

  await page.goto("/docs/sdk");
  await expect(page.getByRole("heading", { name: "TypeScript SDK", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "次数包与时段通行证", level: 2 })).toBeVisible();

  // no Chinese version yet: English text, marked as such
  await page.goto("/docs/merchant-api");
  await expect(page.getByRole("heading", { name: "商户 API", level: 1 })).toBeVisible();
  await expect(page.getByTestId("english-only")).toHaveText("本页暂无中文版，以下为英文原文。");
});

test("the playground is in Chinese, down to the wallet button", async ({ page }) => {
  await page.goto("/docs/playground");
  await expect(page.getByRole("heading", { name: "在线调试台", level: 1 })).toBeVisible();
  await expect(page.getByText("1. 选择接口")).toBeVisible();
  await expect(page.getByLabel("路径")).toHaveValue(/^\//);
  await expect(page.getByRole("button", { name: "发送请求" })).toBeVisible();
  await expect(page.getByRole("button", { name: "连接钱包" })).toBeVisible();
  await page.getByRole("button", { name: "发送请求" }).click();
  await expect(page.getByTestId("playground-timeline")).toContainText("需要支付：0.01 USDC");
});
