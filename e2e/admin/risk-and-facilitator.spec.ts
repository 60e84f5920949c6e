import { expect, test, type APIRequestContext } from "@playwright/test";
import { x402Client } from "@x402/core/client";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";

import { accountFor } from "../../server/chain/accounts";
import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// Issue 25, for the people who run it: the admin blocks a payer on the risk page and the gateway
// refuses that payer's valid payment with 403 (an official x402 client paying), unblocks it and the
// payment goes through; then switches the demo merchant to the hosted facilitator — refused until
// the hosted facilitator's credentials are saved, then paid through it — and back.

function payingFetch() {
  const { chainId, tokenAddress } = readE2EState();
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: accountFor("demoPayer") });
  client.setSpendControls({
    allowedAssets: [
      {
        network: `eip155:${chainId}`,
        asset: tokenAddress.toLowerCase(),
        maxAmountPerPayment: "100000",
      },
    ],
  });
  return wrapFetchWithPayment(fetch, client);
}

async function trpc(request: APIRequestContext, procedure: string, json: unknown) {
  // a console mutation must name our origin, as the admin's browser does (CSRF check)
  return request.post(`/api/trpc/${procedure}`, {
    data: { json },
    headers: { origin: E2E_BASE_URL },
  });
}

async function query<T>(request: APIRequestContext, procedure: string, json: unknown): Promise<T> {
  const res = await request.get(
    `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json }))}`,
  );
  expect(res.status()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test.describe("admin risk actions and facilitator choice", () => {
  test("blocks and unblocks a payer on the risk page; the gateway refuses it before verification", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { admin, baseUrl, demoMerchantId } = readE2EState();
    const payer = accountFor("demoPayer").address;
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    try {
      await page.goto("/admin/risk");
      await expect(page.getByRole("heading", { name: "Risk", exact: true })).toBeVisible();
      const form = page.getByRole("form", { name: "Block" });
      // a malformed address is refused under its field
      await form.getByLabel("Address").fill("0x1234");
      await form.getByLabel("Reason").fill("e2e check");
      await form.getByRole("button", { name: "Block" }).click();
      await expect(form.getByText("Enter a 0x address of 40 hex characters")).toBeVisible();

      await form.getByLabel("Address").fill(payer.toUpperCase().replace("0X", "0x"));
      await form.getByRole("button", { name: "Block" }).click();
      await expect(page.getByText(`Blocked ${payer.toLowerCase()}`)).toBeVisible();
      const row = page.locator(`[data-testid="block-row"][data-value="${payer.toLowerCase()}"]`);
      await expect(row).toContainText("e2e check");
      await page.screenshot({ path: testInfo.outputPath("risk-blocked.png"), fullPage: true });

      const refused = await payingFetch()(`${baseUrl}/${demoMerchantId}/api/signal/btc`);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: "payer_blocked" } });

      await row.getByRole("button", { name: "Unblock" }).click();
      await expect(page.getByText(`Unblocked ${payer.toLowerCase()}`)).toBeVisible();
      await expect(row).toHaveCount(0);
      const paid = await payingFetch()(`${baseUrl}/${demoMerchantId}/api/signal/btc`);
      expect(paid.status).toBe(200);

      await page.goto("/admin/audit-log");
      await expect(page.getByText("risk.unblock").first()).toBeVisible();
      await expect(page.getByText("risk.block").first()).toBeVisible();
    } finally {
      // never leave the demo payer blocked for the specs after this one
      const active = await query<{ id: string; value: string }[]>(request, "admin.risk.blocks", {
        scope: "active",
      });
      for (const block of active.filter((b) => b.value === payer.toLowerCase()))
        await trpc(request, "admin.risk.unblock", { blockId: block.id });
    }
  });

  test("switches the demo merchant to the hosted facilitator once its credentials are saved, and back", async ({
    page,
    context,
    request,
  }) => {
    const { admin, baseUrl, demoMerchantId, facilitatorApiToken } = readE2EState();
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    try {
      await page.goto(`/admin/merchants/${demoMerchantId}`);
      await page.getByRole("combobox", { name: "Facilitator" }).click();
      await page.getByRole("option", { name: /Hosted \(not configured\)/ }).click();
      await page.getByRole("button", { name: "Change" }).last().click();
      await expect(
        page.getByRole("alert").filter({ hasText: "No hosted facilitator is configured" }),
      ).toBeVisible();

      await page.goto("/admin/merchants");
      const hosted = page.getByRole("form", { name: "Hosted facilitator" });
      const view = page.getByTestId("hosted-facilitator-view");
      // the form is typed into once the page is hydrated and its settings loaded (the view shows
      // them): typing into the server-rendered inputs before hydration is lost when React takes over
      await expect(view).toBeVisible();
      await hosted.getByLabel("URL").fill(`${baseUrl}/api/facilitator`);
      await hosted.getByLabel("Bearer token (optional)").fill(facilitatorApiToken);
      await hosted.getByRole("button", { name: "Save hosted facilitator" }).click();
      await expect(page.getByText("Hosted facilitator saved")).toBeVisible();
      await expect(view).toContainText("saved here");
      await expect(view).toContainText("bearer token set");
      await expect(page.getByText(facilitatorApiToken)).toHaveCount(0);

      await page.goto(`/admin/merchants/${demoMerchantId}`);
      await page.getByRole("combobox", { name: "Facilitator" }).click();
      await page.getByRole("option", { name: /Hosted \(127\.0\.0\.1/ }).click();
      await page.getByRole("button", { name: "Change" }).last().click();
      await expect(page.getByText("Facilitator changed")).toBeVisible();
      await expect(page.getByText(/· hosted facilitator/)).toBeVisible();

      const paid = await payingFetch()(`${baseUrl}/${demoMerchantId}/api/signal/eth`);
      expect(paid.status).toBe(200);
      // the payment was reserved with, verified and settled by the hosted facilitator
      const payments = await query<{ items: { facilitator: string; status: string }[] }>(
        request,
        "admin.payments.list",
        { merchantId: demoMerchantId, limit: 1 },
      );
      expect(payments.items[0]).toMatchObject({ facilitator: "HOSTED", status: "SETTLED" });
    } finally {
      expect(
        (
          await trpc(request, "admin.merchants.setFacilitator", {
            merchantId: demoMerchantId,
            facilitator: "LOCAL",
          })
        ).status(),
      ).toBe(200);
      expect((await trpc(request, "admin.hostedFacilitator.reset", undefined)).status()).toBe(200);
    }
  });
});
