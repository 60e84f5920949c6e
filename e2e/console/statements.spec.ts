import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// The merchant's monthly statement in the console, after the paid calls of the specs before it:
// the ledger's lines (DIRECT mode: the fee is what the merchant owes) and the CSV export.

test("the owner reads this month's statement and downloads it as CSV", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { demoMerchantId, merchantUser } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/statements`);
  const statement = page.getByTestId("statement");
  await expect(statement).toContainText("Demo Signals API");
  await expect(statement.getByTestId("statement-gross")).toContainText("USDC");
  await expect(statement).toContainText("paid call");
  await page.screenshot({ path: testInfo.outputPath("statement.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await statement.getByRole("button", { name: "CSV" }).click();
  const file = await download;
  const text = Buffer.concat(
    (await (await file.createReadStream()).toArray()) as Buffer[],
  ).toString("utf8");
  const [header, row] = text.split("\n");
  expect(header).toBe(
    "month,network,asset,symbol,decimals,opening,gross,fees,refunds,adjustments,net,payouts,closing,paidCalls",
  );
  expect(row?.split(",")[3]).toBe("USDC");
  expect(Number(row?.split(",")[6])).toBeGreaterThan(0);
});
