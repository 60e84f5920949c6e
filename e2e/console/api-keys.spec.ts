import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("an API key is shown once, serves the owner's calls and the merchant API with its scopes, and stops at revocation", async ({
  page,
  context,
  request,
}, testInfo) => {
  const { merchantUser, demoMerchantId } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/keys`);
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText("Name the key")).toBeVisible();
  await dialog.getByLabel("Name").fill("e2e smoke");
  await expect(dialog.getByRole("checkbox", { name: "gateway:owner" })).toBeChecked();
  await dialog.getByRole("checkbox", { name: "read", exact: true }).check();
  await dialog.getByRole("button", { name: "Create key" }).click();
  const key = (await dialog.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^x4g_live_/);
  await page.screenshot({ path: testInfo.outputPath("api-key-created.png") });
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("api-key-row").filter({ hasText: "e2e smoke" })).toBeVisible();

  await expect(
    page
      .getByTestId("api-key-row")
      .filter({ hasText: "e2e smoke" })
      .getByText("read", { exact: true }),
  ).toBeVisible();

  const owned = await request.get(`/${demoMerchantId}/api/signal/btc`, {
    headers: { "x-api-key": key },
  });
  expect(owned.status()).toBe(200);
  const profile = await request.get(`/api/v1/merchants/${demoMerchantId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(profile.status()).toBe(200);
  expect(await profile.json()).toMatchObject({ id: demoMerchantId, role: "API_KEY" });
  expect(profile.headers()["ratelimit-limit"]).toBeDefined();
  const write = await request.patch(`/api/v1/merchants/${demoMerchantId}`, {
    headers: { authorization: `Bearer ${key}` },
    data: { name: "Hijacked", payoutAddress: "0x000000000000000000000000000000000000dEaD" },
  });
  expect(write.status()).toBe(403);

  await page
    .getByTestId("api-key-row")
    .filter({ hasText: "e2e smoke" })
    .getByRole("button", { name: "Revoke" })
    .click();
  await expect(
    page
      .getByTestId("api-key-row")
      .filter({ hasText: "e2e smoke" })
      .getByText("REVOKED", { exact: false }),
  ).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("api-keys.png"), fullPage: true });
  const refused = await request.get(`/${demoMerchantId}/api/signal/btc`, {
    headers: { "x-api-key": key },
  });
  expect(refused.status()).toBe(401);
  expect(
    (
      await request.get(`/api/v1/merchants/${demoMerchantId}`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).status(),
  ).toBe(401);
});
