import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect, test } from "@playwright/test";

import { verifyWebhookSignature } from "../../server/webhooks/signature";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("a webhook endpoint gets a signed test event", async ({
  page,
  context,
  request,
}, testInfo) => {
  const received: { body: string; signature: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers["x-x402-signature"] ?? "") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const { merchantUser, demoMerchantId } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto(`/console/${demoMerchantId}/webhooks`);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Endpoint URL").fill("not a url");
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    await expect(dialog.getByText("Enter an absolute URL")).toBeVisible();
    await dialog
      .getByLabel("Endpoint URL")
      .fill(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`);
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await dialog.getByTestId("webhook-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);
    await page.keyboard.press("Escape");

    await page
      .getByTestId("webhook-endpoint-row")
      .getByRole("button", { name: "Send test event" })
      .click();
    await expect(page.getByText("Test event delivered")).toBeVisible();
    await expect(
      page.getByTestId("webhook-delivery-row").filter({ hasText: "webhook.test" }).first(),
    ).toContainText("204");
    const test = received.find((r) => r.body.includes("webhook.test"));
    expect(
      test &&
        verifyWebhookSignature(secret, test.signature, test.body, {
          nowSeconds: Math.floor(Date.now() / 1000),
        }),
    ).toBe(true);
    await page.screenshot({ path: testInfo.outputPath("webhooks.png"), fullPage: true });
  } finally {
    receiver.close();
  }
});
