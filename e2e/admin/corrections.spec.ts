import { expect, test, type APIRequestContext } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// Ledger corrections with four eyes, on a merchant of this test's own: a small credit applies at
// once, a large debit waits until a second admin approves it, and the owner's statement shows both
// under adjustments.

async function trpc<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, {
    data: { json: input },
    headers: { origin: E2E_BASE_URL },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test("a large correction waits for a second admin, then shows in the merchant's statement", async ({
  page,
  context,
  request,
  browser,
}) => {
  const { admin, baseUrl } = readE2EState();
  const stamp = Date.now();
  const password = "a long enough password";

  // a merchant owner and a second admin, each signed up the ordinary way
  const ownerContext = await browser.newContext({ baseURL: E2E_BASE_URL });
  const ownerEmail = `corr-owner-${stamp}@e2e.x402.local`;
  await trpc(ownerContext.request, "auth.signUp", { name: "Owner", email: ownerEmail, password });
  await signInViaApi(ownerContext.request, { email: ownerEmail, password });
  const merchant = await trpc<{ id: string }>(ownerContext.request, "merchants.create", {
    name: `Corrected ${stamp}`,
    upstreamBaseUrl: `${baseUrl}/api/demo`,
    payoutAddress: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  });
  const secondContext = await browser.newContext({ baseURL: E2E_BASE_URL });
  const secondEmail = `corr-admin-${stamp}@e2e.x402.local`;
  await trpc(secondContext.request, "auth.signUp", {
    name: "Second Admin",
    email: secondEmail,
    password,
  });

  await signInViaApi(request, admin);
  await useSessionIn(context, request);
  await trpc(request, "admin.admins.grant", { email: secondEmail });

  await page.goto("/admin/corrections");
  await expect(page.getByRole("heading", { name: "Ledger corrections" })).toBeVisible();
  await page.getByLabel("Merchant id").fill(merchant.id);
  await page.getByLabel("Amount (atomic units)").fill("2000000");
  await page.getByLabel("Reason").fill("fee charged twice");
  await page.getByLabel("Token address (without a link)").fill(readE2EState().tokenAddress);
  await page.getByLabel("Network (without a link)").fill(`eip155:${readE2EState().chainId}`);
  await page.getByRole("button", { name: "Record correction" }).click();
  await expect(page.getByText("Correction applied to the ledger")).toBeVisible();
  const table = page.getByTestId("corrections");
  await expect(table.getByRole("row").filter({ hasText: "fee charged twice" })).toContainText(
    "Completed",
  );

  // above the default threshold (100 USDC): pending, and not approvable by its creator
  await page.getByLabel("Merchant id").fill(merchant.id);
  await page.getByLabel("Direction").click();
  await page.getByRole("option", { name: "Debit the merchant (we owe less)" }).click();
  await page.getByLabel("Amount (atomic units)").fill("250000000");
  await page.getByLabel("Reason").fill("payout sent twice");
  await page.getByLabel("Token address (without a link)").fill(readE2EState().tokenAddress);
  await page.getByLabel("Network (without a link)").fill(`eip155:${readE2EState().chainId}`);
  await page.getByRole("button", { name: "Record correction" }).click();
  await expect(page.getByText("it waits for a second admin's approval")).toBeVisible();
  const pendingRow = table.getByRole("row").filter({ hasText: "payout sent twice" });
  await expect(pendingRow).toContainText("Pending");
  await expect(pendingRow).toContainText("Another admin approves");
  await expect(pendingRow.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // the second admin approves it
  await signInViaApi(secondContext.request, { email: secondEmail, password });
  const secondPage = await secondContext.newPage();
  await useSessionIn(secondContext, secondContext.request);
  await secondPage.goto("/admin/corrections");
  const row = secondPage
    .getByTestId("corrections")
    .getByRole("row")
    .filter({ hasText: "payout sent twice" });
  await row.getByRole("button", { name: "Approve" }).click();
  await secondPage.getByRole("button", { name: "Confirm approval" }).click();
  await expect(row).toContainText("Completed");

  // +2 USDC −250 USDC in the owner's statement
  const ownerPage = await ownerContext.newPage();
  await useSessionIn(ownerContext, ownerContext.request);
  await ownerPage.goto(`/console/${merchant.id}/statements`);
  await expect(
    ownerPage.getByTestId("statement").getByTestId("statement-adjustments"),
  ).toContainText("-248000000");

  await page.goto("/admin/audit-log");
  for (const action of ["correction.create", "correction.approve"])
    await expect(page.getByText(action).first()).toBeVisible();
  await ownerContext.close();
  await secondContext.close();
});
