import { expect, test } from "@playwright/test";

// Issue 25: a Chinese browser (Accept-Language: zh-CN) gets the landing page in Chinese; code and
// product names stay as they are.
test.use({ locale: "zh-CN" });

// an English word a reader would see (all-caps tokens such as API, SDK, USDC and the product name pass)
const ENGLISH_WORD = /\b(?!Gateway\b)[A-Z]?[a-z]{2,}\b/;

test("the landing page is in Chinese, with the flow picture, the code sample and links to docs and playground", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "每一次 API 调用，都用稳定币收费",
  );
  for (const heading of await page.getByRole("heading").allTextContents())
    expect(heading, heading).not.toMatch(ENGLISH_WORD);

  await expect(
    page.getByRole("img", { name: /^通过 x402 Gateway 完成一次付费调用/ }),
  ).toContainText("402");
  await expect(
    page.getByText("客户端只在被要求时付款；只有您的 API 成功响应后，款项才会结算。"),
  ).toBeVisible();
  await expect(page.getByRole("link", { name: "阅读开发文档" })).toHaveAttribute("href", "/docs");
  await expect(page.getByRole("link", { name: "打开在线调试台" })).toHaveAttribute(
    "href",
    "/docs/playground",
  );

  // code is not translated; the SDK tab shows the SDK call
  await expect(page.getByTestId("code-curl")).toContainText("curl -i");
  await page.getByRole("tab", { name: "TypeScript SDK" }).click();
  await expect(page.getByTestId("code-sdk")).toContainText("new X402Client(");
  await expect(page.getByRole("button", { name: "复制代码" })).toBeVisible();
  await expect(page.locator('meta[property="og:description"]')).toHaveAttribute(
    "content",
    /稳定币/,
  );
});
