import { expect, test, type APIResponse } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { watchCsp } from "../fixtures/csp";
import { readE2EState } from "../fixtures/env";

// Every page carries the security headers and a per-response CSP nonce that Next.js put on each of
// its scripts; API and gateway responses are left alone. The suite's server is plain HTTP, so no
// HSTS and no upgrade-insecure-requests here (e2e/security/https.spec.ts runs an https deployment).

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name = "", ...values]) => [name, values]),
  );
}

async function expectPageHeaders(res: APIResponse) {
  const headers = res.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["strict-transport-security"]).toBeUndefined();
  const csp = directives(headers["content-security-policy"] ?? "");
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.has("upgrade-insecure-requests")).toBe(false);
  const scriptSrc = csp.get("script-src") ?? [];
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  const nonce = /^'nonce-(.+)'$/.exec(scriptSrc.find((s) => s.startsWith("'nonce-")) ?? "")?.[1];
  expect(nonce).toBeTruthy();
  // every script of the page carries this response's nonce, or the browser would refuse it
  const html = await res.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);
  return nonce;
}

test("console, admin, docs, auth and landing pages carry CSP, nosniff, frame and referrer headers", async ({
  request,
}) => {
  const { admin, merchantUser, demoMerchantId } = readE2EState();
  const publicPages = [
    "/",
    "/login",
    "/signup",
    "/docs",
    "/docs/sdk",
    "/docs/api-reference",
    "/docs/playground",
  ];
  const nonces = new Set<string>();
  for (const path of publicPages) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    nonces.add((await expectPageHeaders(res)) ?? "");
  }
  // signed-out console and admin requests are redirected to the login page, with the headers too
  const redirected = await request.get(`/console/${demoMerchantId}`, { maxRedirects: 0 });
  expect(redirected.status()).toBe(307);
  expect(redirected.headers()["x-frame-options"]).toBe("DENY");
  expect(redirected.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  const signedIn = async (path: string) => {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    nonces.add((await expectPageHeaders(res)) ?? "");
  };
  await signInViaApi(request, merchantUser);
  for (const path of [`/console/${demoMerchantId}`, `/console/${demoMerchantId}/keys`])
    await signedIn(path);
  await signInViaApi(request, admin);
  for (const path of ["/admin", "/admin/merchants"]) await signedIn(path);
  // a fresh nonce per response
  expect(nonces.size).toBe(publicPages.length + 4);
});

test("API and gateway responses are not pages: no page CSP; the gateway's is only its sandbox, and it still answers", async ({
  request,
}) => {
  const { demoMerchantId } = readE2EState();
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(health.headers()["content-security-policy"]).toBeUndefined();
  const paid = await request.get(`/${demoMerchantId}/api/signal/eth`);
  expect(paid.status()).toBe(402);
  // merchant content shares this origin: every gateway answer is a sandboxed document (merchant-content.spec.ts)
  expect(paid.headers()["content-security-policy"]).toBe("sandbox");
  expect(paid.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await paid.json()).toMatchObject({
    accepts: [expect.objectContaining({ scheme: "exact" })],
  });
});

test("the pages run in the browser under the CSP without a single violation", async ({
  page,
  context,
  request,
}) => {
  const { admin, merchantUser, demoMerchantId } = readE2EState();
  const violations = await watchCsp(page);
  const visit = async (path: string, ready: () => Promise<void>) => {
    await page.goto(path);
    await ready();
    await page.waitForLoadState("networkidle");
    expect(await violations(), path).toEqual([]);
  };
  await visit("/", () => expect(page.getByRole("link", { name: "Get started" })).toBeVisible());
  await visit("/login", () => expect(page.getByRole("button", { name: "Sign in" })).toBeVisible());
  await visit("/docs", () =>
    expect(page.getByRole("heading", { name: "How x402 works here", level: 1 })).toBeVisible(),
  );
  await visit("/docs/api-reference", () =>
    expect(
      page
        .getByTestId("api-reference")
        .getByRole("heading", { name: "x402 Gateway merchant API", level: 1 }),
    ).toBeVisible({ timeout: 20_000 }),
  );
  await visit("/docs/playground", () =>
    expect(page.getByRole("button", { name: "Connect Wallet" })).toBeVisible(),
  );
  await signInViaApi(request, merchantUser);
  await useSessionIn(context, request);
  await visit(`/console/${demoMerchantId}`, () =>
    expect(page.getByTestId("stat-paid-calls")).toBeVisible(),
  );
  await signInViaApi(request, admin);
  await useSessionIn(context, request);
  await visit("/admin/operations", () =>
    expect(page.getByRole("heading", { name: "Operations" })).toBeVisible(),
  );
  // the theme script ran (it carries the nonce): next-themes set the class on <html>
  expect(await page.locator("html").getAttribute("class")).toMatch(/light|dark/);
});
