import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test("an invitation link brings a new developer onto the team", async ({
  page,
  context,
  request,
  browser,
}, testInfo) => {
  const { merchantUser, demoMerchantId, baseUrl } = readE2EState();
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await page.goto(`/console/${demoMerchantId}/team`);
  const email = `dev-${Date.now()}@e2e.x402.local`;
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByTestId("invite-url").textContent())?.trim() ?? "";
  expect(link).toContain("/console/invitations/");
  await page.screenshot({ path: testInfo.outputPath("team.png"), fullPage: true });

  // the invitee signs up with the invited email and opens the link
  const invitee = await browser.newContext({ baseURL: baseUrl });
  const tab = await invitee.newPage();
  await tab.goto("/signup");
  await tab.getByLabel("Name").fill("New Developer");
  await tab.getByLabel("Email").fill(email);
  await tab.getByLabel("Password").fill("a long enough password");
  await tab.getByRole("button", { name: "Create account" }).click();
  await expect(tab).toHaveURL(/\/console\/new$/);
  await tab.goto(new URL(link).pathname);
  await tab.getByRole("button", { name: "Accept invitation" }).click();
  await expect(tab).toHaveURL(new RegExp(`/console/${demoMerchantId}$`));
  await expect(tab.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await invitee.close();

  await page.reload();
  await expect(page.getByTestId("team-member-row").filter({ hasText: email })).toBeVisible();
});
