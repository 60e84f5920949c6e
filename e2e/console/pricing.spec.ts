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

    // a further way to pay: added, refused while it repeats the rule's own asset, saved on Base
    const row = page.getByTestId("pricing-rule-row").filter({ hasText: "/api/premium/*" });
    await row.getByRole("button", { name: "Edit" }).click();
    await dialog.getByRole("button", { name: "Add a payment option" }).click();
    const option = dialog.getByRole("group", { name: "Payment option 2" });
    await option.getByLabel("Payment option 2: Price").fill("0.3");
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(
      dialog.getByText("the rule already offers this asset on this network"),
    ).toBeVisible();
    await option.getByLabel("Payment option 2: Network").click();
    await page.getByRole("option", { name: "Base", exact: true }).click();
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("payment-option")).toHaveText("or 0.3 USDC on Base");
    const offered = await request.get(`/${demoMerchantId}/api/premium/btc`);
    const accepts = (
      JSON.parse(Buffer.from(offered.headers()["payment-required"] ?? "", "base64").toString()) as {
        accepts: { network: string; amount: string }[];
      }
    ).accepts;
    expect(accepts.map((a) => [a.network, a.amount])).toEqual([
      [expect.any(String), "250000"],
      ["eip155:8453", "300000"],
    ]);

    // and removed again
    await row.getByRole("button", { name: "Edit" }).click();
    await dialog.getByRole("button", { name: "Remove" }).click();
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("payment-option")).toHaveCount(0);

    // a token without EIP-3009 is offered through Permit2: the asset select says so
    await row.getByRole("button", { name: "Edit" }).click();
    await dialog.getByRole("button", { name: "Add a payment option" }).click();
    await option.getByLabel("Payment option 2: Price").fill("0.3");
    await option.getByLabel("Payment option 2: Asset").click();
    await page.getByRole("option", { name: "TPUSD (Permit2)" }).click();
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("payment-option")).toContainText("0.3 TPUSD");
    const viaPermit2 = await request.get(`/${demoMerchantId}/api/premium/btc`);
    const offers = (
      JSON.parse(
        Buffer.from(viaPermit2.headers()["payment-required"] ?? "", "base64").toString(),
      ) as { accepts: { amount: string; extra: Record<string, unknown> }[] }
    ).accepts;
    expect(offers.map((a) => [a.amount, a.extra])).toEqual([
      ["250000", { name: "USD Coin", version: "2" }],
      ["300000", { assetTransferMethod: "permit2" }],
    ]);
  });
});
