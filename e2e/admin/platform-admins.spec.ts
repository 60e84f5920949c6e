import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// The admins page: grant the role to someone who signed up, see a wrong email refused next to the
// field, demote and remove through confirmation dialogs, and find each change in the audit log.
// The suite's own admin (created by e2e/serve.ts through admin:create's domain function) stays.

test.describe("platform admins page", () => {
  test("grants, demotes and removes admins, refusing unknown emails, and audits each change", async ({
    page,
    context,
    request,
    browser,
  }) => {
    const { admin } = readE2EState();
    const stamp = Date.now();
    const people = [`grant-a-${stamp}@e2e.x402.local`, `grant-b-${stamp}@e2e.x402.local`];
    for (const email of people) {
      const visitor = await browser.newContext({ baseURL: E2E_BASE_URL });
      const res = await visitor.request.post("/api/trpc/auth.signUp", {
        data: { json: { name: email.split("@")[0], email, password: "a long enough password" } },
        headers: { origin: E2E_BASE_URL },
      });
      expect(res.status()).toBe(200);
      await visitor.close();
    }
    await signInViaApi(request, admin);
    await useSessionIn(context, request);

    await page.goto("/admin/admins");
    await expect(page.getByRole("heading", { name: "Platform admins" })).toBeVisible();
    const table = page.getByRole("table");
    await expect(table.getByRole("row", { name: new RegExp(admin.email) })).toContainText("(you)");

    // an email without an account is refused next to the field
    const email = page.getByLabel("Email of an existing account");
    await email.fill(`nobody-${stamp}@e2e.x402.local`);
    await page.getByRole("button", { name: "Grant admin" }).click();
    await expect(
      page.getByText("No account has this email: ask them to sign up first"),
    ).toBeVisible();

    for (const person of people) {
      await email.fill(person);
      await page.getByRole("button", { name: "Grant admin" }).click();
      await expect(table.getByRole("row", { name: new RegExp(person) })).toBeVisible();
    }

    const [demoted, removed] = people as [string, string];
    await table
      .getByRole("row", { name: new RegExp(demoted) })
      .getByRole("button", { name: "Demote" })
      .click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText(`Demote ${demoted}?`);
    await dialog.getByRole("button", { name: "Demote", exact: true }).click();
    await expect(table.getByRole("row", { name: new RegExp(demoted) })).toHaveCount(0);

    await table
      .getByRole("row", { name: new RegExp(removed) })
      .getByRole("button", { name: "Remove" })
      .click();
    await expect(dialog).toContainText(`Remove ${removed}?`);
    await dialog.getByRole("button", { name: "Remove", exact: true }).click();
    await expect(table.getByRole("row", { name: new RegExp(removed) })).toHaveCount(0);
    await expect(table.getByRole("row", { name: new RegExp(admin.email) })).toBeVisible();

    // the removed account can no longer sign in
    const removedContext = await browser.newContext({ baseURL: E2E_BASE_URL });
    await signInViaApi(removedContext.request, {
      email: removed,
      password: "a long enough password",
    }).catch(() => undefined);
    const session = (await (await removedContext.request.get("/api/auth/session")).json()) as {
      user?: unknown;
    } | null;
    expect(session?.user ?? null).toBeNull();
    await removedContext.close();

    await page.goto("/admin/audit-log");
    for (const action of [
      "platform_admin.grant",
      "platform_admin.revoke",
      "platform_admin.remove",
    ]) {
      await expect(page.getByText(action).first()).toBeVisible();
    }
  });
});
