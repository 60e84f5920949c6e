import { expect, type Page, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

import { checkLayoutAt, LOCALES, WIDTHS } from "./layout-checks";

// Issue 25: the main pages at a desktop and a phone width, in English and Chinese, have no
// horizontal overflow, no interactive elements on top of each other and no clipped input text.

type MainPage = {
  name: string;
  path: () => string;
  signIn?: "merchantUser" | "admin";
  /** what shows once the page has rendered its content and hydrated */
  ready: (page: Page) => Promise<void>;
};

const noSkeletons = async (page: Page) => {
  await expect(page.locator("main [data-slot=skeleton]")).toHaveCount(0);
};

const PAGES: MainPage[] = [
  {
    name: "landing",
    path: () => "/",
    ready: async (page) => {
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByTestId("flow-diagram")).toBeVisible();
    },
  },
  {
    name: "login",
    path: () => "/login",
    ready: async (page) => {
      await expect(page.locator("main form button[type=submit]").first()).toBeEnabled();
    },
  },
  {
    name: "docs",
    path: () => "/docs",
    ready: async (page) => {
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    },
  },
  {
    name: "playground",
    path: () => "/docs/playground",
    ready: async (page) => {
      // the wallet button renders on the client only: once it shows, the page has hydrated
      await expect(page.locator("[data-testid=rk-connect-button]")).toBeVisible();
    },
  },
  {
    name: "dashboard",
    path: () => `/console/${readE2EState().demoMerchantId}`,
    signIn: "merchantUser",
    ready: async (page) => {
      await expect(page.getByTestId("stat-paid-calls")).toBeVisible();
      await noSkeletons(page);
    },
  },
  {
    name: "admin-overview",
    path: () => "/admin",
    signIn: "admin",
    ready: async (page) => {
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await noSkeletons(page);
    },
  },
];

for (const main of PAGES) {
  for (const locale of LOCALES) {
    test(`${main.name} (${locale}) has no overflow, overlapping controls or clipped inputs at ${WIDTHS.join(" and ")} px`, async ({
      page,
      context,
      request,
    }, testInfo) => {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: E2E_BASE_URL }]);
      if (main.signIn) {
        await signInViaApi(request, readE2EState()[main.signIn]);
        await useSessionIn(context, request);
      }
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(main.path());
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await checkLayoutAt(page, testInfo, {
          name: main.name,
          width,
          locale,
          ready: () => main.ready(page),
        });
      }
    });
  }
}
