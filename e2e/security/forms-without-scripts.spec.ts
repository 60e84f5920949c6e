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

async function submitNatively(page: Page, field: string): Promise<Request> {
  const [submission] = await Promise.all([
    page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame()),
    page.getByLabel(field, { exact: true }).press("Enter"),
  ]);
  await page.waitForLoadState("load");
  return submission;
}

test("the sign-in form posts when scripts are off: no credential in any URL", async ({ page }) => {
  const { merchantUser } = readE2EState();
  const seen = recordRequests(page);
  await page.goto("/login?from=%2Fconsole");
  await page.getByLabel("Email").fill(merchantUser.email);
  await page.getByLabel("Password").fill(merchantUser.password);
  const submission = await submitNatively(page, "Password");

  expect(submission.method()).toBe("POST");
  for (const url of [...seen.map((r) => r.url()), page.url()]) {
    expect(url).not.toContain(encodeURIComponent(merchantUser.password));
    expect(url).not.toContain(encodeURIComponent(merchantUser.email));
  }
});

test("the sign-up form posts when scripts are off: no credential in any URL", async ({ page }) => {
  const email = `noscript-${Date.now()}@e2e.x402.local`;
  const password = "a secret sign-up password";
  const seen = recordRequests(page);
  await page.goto("/signup");
  await page.getByLabel("Name").fill("No Script");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  const submission = await submitNatively(page, "Password");

  expect(submission.method()).toBe("POST");
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
