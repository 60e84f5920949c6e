import { expect, test, type Page } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// Issue 25's admin defects and the admin console's translation: a platform admin lands on the
// overview after signing in; ARPU shows cents, not six decimals; the chart's axis labels fit inside
// the chart; a Chinese browser reads every admin page's heading in Chinese.

async function payFrom(payer: "payerB" | "payerC", times: number) {
  const { demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor(payer) });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${chainId}`,
        asset: tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  const paidFetch = wrapFetchWithPayment(fetch, client);
  for (let i = 0; i < times; i++)
    expect((await paidFetch(`${baseUrl}/${demoMerchantId}/api/signal/eth`)).status).toBe(200);
}

/** Every value-axis label of the chart lies inside the chart's SVG (a clipped "45000" reads "5000"). */
async function expectAxisLabelsInsideChart(page: Page) {
  const surface = page.locator(".recharts-surface").first();
  await expect(surface).toBeVisible();
  const labels = surface.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value");
  await expect(labels.first()).toBeVisible();
  const box = await surface.boundingBox();
  expect(box).not.toBeNull();
  for (const label of await labels.all()) {
    const tick = await label.boundingBox();
    expect(tick, (await label.textContent()) ?? "").not.toBeNull();
    if (!box || !tick) continue;
    expect(
      tick.x,
      `label "${await label.textContent()}" starts left of the chart`,
    ).toBeGreaterThanOrEqual(box.x);
    expect(
      tick.x + tick.width,
      `label "${await label.textContent()}" ends right of the chart`,
    ).toBeLessThanOrEqual(box.x + box.width);
  }
}

/** Section headings (card titles) carry no English words; technical names (URL, API, CDP, Facilitator) are kept. */
async function expectChineseCardTitles(page: Page, where: string) {
  const titles = await page.locator("[data-slot='card-title']").allTextContents();
  for (const title of titles)
    expect(title, `${where}: "${title}"`).not.toMatch(
      /\b(?![A-Z0-9]+\b|Facilitator\b)[A-Za-z]{2,}\b/,
    );
}

test("a platform admin who signs in lands on the admin overview, not on 'Create a merchant'", async ({
  page,
}) => {
  const { admin } = readE2EState();
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();
});

test("the overview shows ARPU in cents and keeps the chart's axis labels inside the chart", async ({
  page,
  context,
  request,
}, testInfo) => {
  // two payers, three paid calls: ARPU is 0.015 USDC from these alone, never a whole number of cents
  await payFrom("payerB", 2);
  await payFrom("payerC", 1);
  const { admin } = readE2EState();
  await signInViaApi(request, admin);
  await useSessionIn(context, request);
  await page.goto("/admin");
  await page.getByRole("tab", { name: "Last 24 hours" }).click();
  await expect(page.getByTestId("overview-arpu")).toHaveText(/^\d[\d,]*\.\d{2}\s*USDC$/);
  await expectAxisLabelsInsideChart(page);
  await page.screenshot({ path: testInfo.outputPath("overview-en.png"), fullPage: true });
});

test.describe("in a Chinese browser", () => {
  test.use({ locale: "zh-CN" });

  test("every admin page's heading and the overview's figures are in Chinese", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { admin, demoMerchantId } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    await page.goto("/admin");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("heading", { name: "平台概览" })).toBeVisible();
    await expect(page.getByTestId("overview-stats")).toContainText("平台手续费收入");
    await page.getByRole("tab", { name: "最近 24 小时" }).click();
    await expectAxisLabelsInsideChart(page);
    await page.screenshot({ path: testInfo.outputPath("overview-zh.png"), fullPage: true });

    const pages: [string, string][] = [
      ["/admin/merchants", "商户"],
      ["/admin/payments", "支付记录"],
      ["/admin/errors", "错误"],
      ["/admin/fee-templates", "费率模板"],
      ["/admin/audit-log", "操作日志"],
      ["/admin/admins", "平台管理员"],
      ["/admin/settlements", "结算"],
      ["/admin/refunds", "退款"],
      ["/admin/corrections", "调账"],
      ["/admin/statements", "对账单"],
      ["/admin/risk", "风控"],
      ["/admin/operations", "运行监控"],
    ];
    for (const [path, heading] of pages) {
      await page.goto(path);
      await expect(page.locator("h1")).toHaveText(heading);
      await expect(page).toHaveTitle(new RegExp(heading));
      await expectChineseCardTitles(page, path);
    }
    // the merchant's own page: its name is the heading, the sections are ours
    await page.goto(`/admin/merchants/${demoMerchantId}`);
    await expect(page.getByText("基本信息")).toBeVisible();
    await expect(page.getByText("最近支付")).toBeVisible();
    await expectChineseCardTitles(page, "merchant detail");
  });
});
