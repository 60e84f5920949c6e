import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// The call log shows every request to the gateway: an unpaid call's 402 with its reason next to a
// paid call's 200, filtered by outcome and path, and exported as CSV.

test("the call log lists a refused and a paid call with their outcome, reason and payer, filters them and exports CSV", async ({ page, context, request }, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  const marker = `calllog${Date.now()}`;
  const unpaid = await fetch(`${baseUrl}/${demoMerchantId}/api/signal/${marker}`);
  expect(unpaid.status).toBe(402);
  const payer = accountFor("payerB");
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: payer });
  client.setSpendControls({ allowedAssets: [{ network: `eip155:${chainId}`, asset: tokenAddress.toLowerCase(), maxAmountPerPayment: "100000" }] });
  const paid = await wrapFetchWithPayment(fetch, client)(`${baseUrl}/${demoMerchantId}/api/signal/${marker}`);
  expect(paid.status).toBe(200);

  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}`);
  await page.getByRole("link", { name: "Call log" }).click();
  await expect(page.getByRole("heading", { name: "Call log" })).toBeVisible();

  await page.getByLabel("Path contains").fill(marker);
  await page.getByRole("button", { name: "Filter" }).click();
  const table = page.getByTestId("call-log");
  // the refused call is written by the access log's batch writer: the list refetches until it is there
  await expect(async () => {
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(table.getByRole("row")).toHaveCount(1 + 3, { timeout: 2_000 });
  }).toPass();
  // the wrapped fetch's first try is also a 402: two refused calls and one paid
  await expect(table.getByRole("row").filter({ hasText: "Charged" })).toHaveCount(1);
  const charged = table.getByRole("row").filter({ hasText: "Charged" });
  await expect(charged).toContainText("200");
  await expect(charged).toContainText(payer.address.slice(0, 6).toLowerCase());
  const refused = table.getByRole("row").filter({ hasText: "Rejected" });
  await expect(refused).toHaveCount(2);
  await expect(refused.first()).toContainText("402");
  await expect(refused.first()).toContainText("payment_required");

  await page.getByLabel("Outcome").click();
  await page.getByRole("option", { name: "Charged" }).click();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("call-log.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "CSV" }).click();
  const file = await download;
  const text = Buffer.concat((await (await file.createReadStream()).toArray()) as Buffer[]).toString("utf8");
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe("createdAt,method,path,httpStatus,upstreamStatus,latencyMs,upstreamLatencyMs,payer,outcome,reason,paymentId,amountAtomic,requestId,id");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`/api/signal/${marker}`);
  expect(lines[1]).toContain(",CHARGED,");
});
