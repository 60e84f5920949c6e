import { expect, test } from "@playwright/test";

// Ten failed attempts on one account (the default SIGN_IN_MAX_PER_ACCOUNT), then the login page
// explains why the next one is refused, instead of blaming the password.

test("the login page says so when an account's sign-in attempts are throttled", async ({
  page,
  request,
}) => {
  const email = `throttled-${Date.now()}@e2e.test`;
  const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (let i = 0; i < 10; i++) {
    const res = await request.post("/api/auth/callback/credentials", {
      form: { csrfToken: csrf.csrfToken, email, password: `guess number ${i}`, json: "true" },
      maxRedirects: 0,
    });
    expect(JSON.stringify(await res.json())).toContain("error=CredentialsSignin");
  }

  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("the real password, too late");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page
      .getByRole("alert")
      .filter({ hasText: "Too many sign-in attempts for this account or from your network" }),
  ).toBeVisible();

  // another account is unaffected: the usual message
  await page.getByLabel("Email").fill(`someone-else-${Date.now()}@e2e.test`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Wrong email or password." }),
  ).toBeVisible();
});
