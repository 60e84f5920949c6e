import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

// The call log shows every request to the gateway: an unpaid call's 402 with its reason, and a paid
// call whose upstream answered 404 (not charged: FAILED, upstream_error, with its payer), filtered
// by path and outcome, and exported as CSV. The unique symbol makes this test's calls its own.

test("the call log lists refused and failed calls with their status, payer and reason, filters them and exports CSV", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  const marker = `calllog${Date.now()}`;
  const unpaid = await fetch(`${baseUrl}/${demoMerchantId}/api/signal/${marker}`);
  expect(unpaid.status).toBe(402);
  const payer = accountFor("payerC");
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: payer });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${chainId}`,
        asset: tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  // the demo upstream knows no such symbol: 404, so the verified payment is not charged
  const paid = await wrapFetchWithPayment(
    fetch,
    client,
  )(`${baseUrl}/${demoMerchantId}/api/signal/${marker}`);
  expect(paid.status).toBe(404);

  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}`);
  await page.getByRole("link", { name: "Call log" }).click();
  await expect(page.getByRole("heading", { name: "Call log" })).toBeVisible();

  await page.getByLabel("Path contains").fill(marker);
  const table = page.getByTestId("call-log");
  // refused calls go through the access log's batch writer: filter again until all three are there
  await expect(async () => {
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(table.getByRole("row")).toHaveCount(1 + 3, { timeout: 2_000 });
  }).toPass();
  // the unpaid call and the wrapped fetch's first try are 402s; its paid retry failed upstream
  const refused = table.getByRole("row").filter({ hasText: "payment_required" });
  await expect(refused).toHaveCount(2);
  await expect(refused.first()).toContainText("402");
  await expect(refused.first()).toContainText("Rejected");
  const failed = table.getByRole("row").filter({ hasText: "upstream_error" });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("404");
  await expect(failed).toContainText("Failed");
  await expect(failed).toContainText(payer.address.slice(0, 6).toLowerCase());

  await page.getByLabel("Outcome").click();
  await page.getByRole("option", { name: "Upstream failed" }).click();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("call-log.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "CSV" }).click();
  const file = await download;
  const text = Buffer.concat(
    (await (await file.createReadStream()).toArray()) as Buffer[],
  ).toString("utf8");
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe(
    "createdAt,method,path,httpStatus,upstreamStatus,latencyMs,upstreamLatencyMs,payer,outcome,reason,paymentId,amountAtomic,requestId,id",
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`/api/signal/${marker},404,404,`);
  expect(lines[1]).toContain(`,${payer.address.toLowerCase()},FAILED,upstream_error,`);
});
