import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("the routing page validates the upstream URL and sends test calls through the gateway", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/routing`);
  const url = page.getByLabel("Upstream base URL");
  await expect(url).toHaveValue(/\/api\/demo$/);
  const original = await url.inputValue();
  await url.fill("ftp://files.example.com");
  await page.getByRole("button", { name: "Save routing" }).click();
  await expect(page.getByText("Use an http:// or https:// URL")).toBeVisible();
  await url.fill(original);

  await page.getByRole("button", { name: "Send test call" }).click();
  const result = page.getByTestId("test-call-result");
  await expect(result).toContainText("200");
  await expect(result).toContainText("This path is free.");
  // the demo upstream accepted the gateway's signature; the test call shows what it received
  await expect(page.getByTestId("test-call-upstream")).toContainText("x-gateway-signature");
  await expect(page.getByTestId("upstream-health")).toContainText("Forwarded calls");

  // an injected credential is write-only: listed and shown to the test call masked
  await page.locator("#credential-name").fill("X-Demo-Key");
  await page.locator("#credential-value").fill("demo-upstream-secret-5678");
  await page.getByRole("button", { name: "Save credential" }).click();
  await expect(page.getByRole("cell", { name: "••••5678" })).toBeVisible();
  await page.getByRole("button", { name: "Send test call" }).click();
  await expect(page.getByTestId("test-call-upstream")).toContainText("x-demo-key");
  await expect(page.getByTestId("test-call-upstream")).toContainText("••••5678");
  await expect(page.getByText("demo-upstream-secret-5678")).toHaveCount(0);
  await page
    .getByRole("row", { name: /x-demo-key/ })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(page.getByRole("cell", { name: "••••5678" })).toHaveCount(0);
  await page.getByLabel("Path", { exact: true }).fill("/api/signal/btc");
  await page.getByRole("button", { name: "Send test call" }).click();
  await expect(result).toContainText("402");
  await expect(result).toContainText(`"amount":"10000"`);
  await page.screenshot({ path: testInfo.outputPath("routing.png"), fullPage: true });
});
