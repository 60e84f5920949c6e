import { expect, test } from "@playwright/test";

import { readE2EState } from "../fixtures/env";

test.describe("sign-up to an empty merchant dashboard", () => {
  test("a new user signs up, creates a merchant and lands on its empty dashboard", async ({
    page,
  }, testInfo) => {
    const email = `new-${Date.now()}@e2e.x402.local`;
    await page.goto("/signup");
    await page.getByLabel("Name").fill("Grace Hopper");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a long enough password");
    await page.screenshot({ path: testInfo.outputPath("signup.png"), fullPage: true });
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(/\/console\/new$/);
    await page.getByLabel("Name").fill("Grace's Weather API");
    await page.getByLabel("Upstream base URL").fill(`${readE2EState().baseUrl}/api/demo`);
    await page.getByLabel("Settlement wallet").fill("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
    await page.getByRole("button", { name: "Create merchant" }).click();

    await expect(page).toHaveURL(/\/console\/mer_[0-9a-z]{20}$/);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByText("No calls yet")).toBeVisible();
    await expect(page.getByTestId("user-label")).toHaveText(email);
    await page.screenshot({ path: testInfo.outputPath("empty-dashboard.png"), fullPage: true });

    // signing out and in again lands back on the same dashboard
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  });

  test("a wrong password shows a clear error and no session", async ({ page }) => {
    const { merchantUser } = readE2EState();
    await page.goto("/login");
    await page.getByLabel("Email").fill(merchantUser.email);
    await page.getByLabel("Password").fill("definitely wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("alert").filter({ hasText: "Wrong email or password." }),
    ).toBeVisible();
    await page.goto("/console");
    await expect(page).toHaveURL(/\/login\?from=%2Fconsole/);
  });

  test("sign-up shows field errors for bad input, and a taken email is not confirmed as taken", async ({
    page,
  }) => {
    const { merchantUser } = readE2EState();
    await page.goto("/signup");
    await page.getByLabel("Name").fill("X");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByText("Use at least 10 characters")).toBeVisible();
    await page.getByLabel("Email").fill(merchantUser.email);
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    // the sign-up answer is the same as for a new email; the sign-in that follows fails generically
    await expect(page).toHaveURL(/\/login\?error=SignUpSignInFailed$/);
    await expect(
      page.getByRole("alert").filter({ hasText: "We could not sign you in with these details" }),
    ).toBeVisible();
    await expect(page.getByText("already exists")).toHaveCount(0);
  });
});
