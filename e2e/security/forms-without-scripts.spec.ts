import { expect, test, type Page, type Request } from "@playwright/test";

import { readE2EState } from "../fixtures/env";

// A form submitted before its page's script has loaded (slow network, blocked script, a quick
// click) is a native submission. Without method="post" that is a GET: the email and password land
// in the URL, browser history, server and proxy logs and Referer headers. With scripts off, every
// credential form must post, and no request the browser makes may carry the secret in its URL.

test.use({ javaScriptEnabled: false });

function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (r) => seen.push(r));
  return seen;
}

/**
 * Presses Enter in a credential field with scripts off, then navigates away. A native submission
 * would start its navigation request on the key press, before ours: every request the page made
 * before the probe navigation is what the key press sent.
 */
async function pressEnterNatively(page: Page, field: string, seen: Request[]): Promise<Request[]> {
  await page.getByLabel(field, { exact: true }).press("Enter");
  await page.goto("/login?probe=after-enter");
  const probe = seen.findIndex((r) => r.url().includes("probe=after-enter"));
  return seen.slice(0, probe).filter((r) => r.isNavigationRequest());
}

test("the sign-in form cannot be submitted before its script runs: the button is disabled, the form posts, no credential in any URL", async ({
  page,
}) => {
  const { merchantUser } = readE2EState();
  const seen = recordRequests(page);
  await page.goto("/login?from=%2Fconsole");
  await page.getByLabel("Email").fill(merchantUser.email);
  await page.getByLabel("Password").fill(merchantUser.password);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
  const navigations = await pressEnterNatively(page, "Password", seen);

  expect(navigations.map((r) => r.method())).toEqual(["GET"]); // the page itself, nothing submitted
  for (const url of [...seen.map((r) => r.url()), page.url()]) {
    expect(url).not.toContain(encodeURIComponent(merchantUser.password));
    expect(url).not.toContain(encodeURIComponent(merchantUser.email));
  }
});

test("the sign-up form cannot be submitted before its script runs: the button is disabled, the form posts, no credential in any URL", async ({
  page,
}) => {
  const email = `noscript-${Date.now()}@e2e.x402.local`;
  const password = "a secret sign-up password";
  const seen = recordRequests(page);
  await page.goto("/signup");
  await page.getByLabel("Name").fill("No Script");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await expect(page.getByRole("button", { name: /create/i })).toBeDisabled();
  const navigations = await pressEnterNatively(page, "Password", seen);

  expect(navigations.map((r) => r.method())).toEqual(["GET"]);
  for (const url of [...seen.map((r) => r.url()), page.url()]) {
    expect(url).not.toContain(encodeURIComponent(password));
    expect(url).not.toContain(encodeURIComponent(email));
  }
});

test("every form on the sign-in and sign-up pages declares method=post", async ({ page }) => {
  for (const path of ["/login", "/signup"]) {
    await page.goto(path);
    await expect(page.locator("form")).not.toHaveCount(0);
    await expect(page.locator('form:not([method="post" i])')).toHaveCount(0);
  }
});
