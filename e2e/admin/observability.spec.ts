import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { readE2EState } from "../fixtures/env";

test.describe("observability pages and endpoints", () => {
  test("the admin sees live operations and the risk page with the platform thresholds", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const { admin, demoMerchantId } = readE2EState();
    // traffic for the operations view to show (an unknown path on the demo merchant is proxied free)
    for (let i = 0; i < 5; i++) await request.get(`/${demoMerchantId}/api/free/ping-${i}`);
    await signInViaApi(request, admin);
    await useSessionIn(context, request);
    await page.goto("/admin/operations");
    await expect(page.getByRole("heading", { name: "Operations" })).toBeVisible();
    await expect(page.getByRole("paragraph").filter({ hasText: "Requests / s" })).toBeVisible();
    // the free calls above show up as an outcome of this instance's gateway
    await expect(page.getByRole("cell", { name: "free", exact: true })).toBeVisible();
    await expect(page.getByTestId("queue-row").filter({ hasText: "webhooks" })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("admin-operations.png"), fullPage: true });
    await page.getByRole("link", { name: "Risk" }).click();
    await expect(page.getByRole("heading", { name: "Risk" })).toBeVisible();
    await expect(page.getByText("Platform thresholds")).toBeVisible();
    await expect(page.getByLabel("Chain RPC failure rate")).toHaveValue("0.2");
    await page.screenshot({ path: testInfo.outputPath("admin-risk.png"), fullPage: true });
  });

  test("a merchant member sees its alerts page with its own thresholds, not the platform's", async ({
    page,
    context,
    request,
  }) => {
    const { merchantUser, demoMerchantId } = readE2EState();
    await signInViaApi(request, merchantUser);
    await useSessionIn(context, request);
    await page.goto(`/console/${demoMerchantId}/alerts`);
    await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
    await expect(page.getByText("Your thresholds")).toBeVisible();
    await expect(page.getByLabel("Verification failure rate")).toHaveAttribute(
      "placeholder",
      "0.25",
    );
    await expect(page.getByLabel("Chain RPC failure rate")).toHaveCount(0);
  });

  test("/api/ready names its checks, /api/health answers, /api/metrics wants its token", async ({
    request,
  }) => {
    const ready = await request.get("/api/ready");
    expect(ready.status()).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      checks: { name: string; ok: boolean }[];
    };
    expect(body.status).toBe("ready");
    expect(body.checks.map((c) => c.name)).toContain("database");
    expect(body.checks.some((c) => c.name.startsWith("chain:eip155:"))).toBe(true);
    expect((await request.get("/api/health")).status()).toBe(200);
    expect((await request.get("/api/metrics")).status()).toBe(401);
  });
});
