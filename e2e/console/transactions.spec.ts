import { expect, test } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { receiptFromPaymentResponse, verifyReceipt } from "../../sdk/src/receipt";
import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("a paid call shows in transactions, with its detail, its verified receipt and a CSV export", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl, chainId, tokenAddress } = readE2EState();
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor("payerB") });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${chainId}`,
        asset: tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  const paid = await wrapFetchWithPayment(
    fetch,
    client,
  )(`${baseUrl}/${demoMerchantId}/api/signal/usdc`);
  expect(paid.status).toBe(200);
  const receipt = receiptFromPaymentResponse(paid.headers.get("payment-response") ?? "");
  expect(receipt?.format).toBe("jws");
  // its kid's did:web resolves to this server's /.well-known/did.json (the app's route)
  expect(receipt && (await verifyReceipt(receipt))).toMatchObject({ valid: true });

  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/transactions`);
  await page.getByLabel("Endpoint contains").fill("/api/signal/usdc");
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByTestId("transaction-row").first();
  await expect(row).toContainText("api/signal/usdc");
  await expect(row).toContainText("0.01");
  await row.click();
  const detail = page.getByTestId("transaction-detail");
  await expect(detail).toContainText("charge 0.01");
  await expect(detail).toContainText("GET /api/signal/usdc → 200");
  // the signed receipt the buyer got, verified against the platform's published keys
  const shown = page.getByTestId("transaction-receipt");
  await expect(shown.getByTestId("receipt-verified")).toHaveText("Verified");
  await expect(shown).toContainText("did:web:");
  await shown.getByText("Signed receipt (JWS)").click();
  await expect(shown).toContainText(receipt?.signature ?? "missing");
  await page.screenshot({ path: testInfo.outputPath("transaction-detail.png"), fullPage: true });
  await page.keyboard.press("Escape");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "CSV" }).click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray();
  const text = Buffer.concat(csv as Buffer[]).toString("utf8");
  expect(text.split("\n")[0]).toBe(
    "id,createdAt,status,payer,amountAtomic,assetSymbol,network,txHash,resource,errorReason",
  );
  expect(text).toContain("/api/signal/usdc");
  await page.screenshot({ path: testInfo.outputPath("transactions.png"), fullPage: true });
});
