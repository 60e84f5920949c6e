import type { AbstractIntlMessages } from "next-intl";

import enAdmin from "./messages/en/admin.json";
import enAuth from "./messages/en/auth.json";
import enCommon from "./messages/en/common.json";
import enConsole from "./messages/en/console.json";
import enDocs from "./messages/en/docs.json";
import enErrors from "./messages/en/errors.json";
import enMarketing from "./messages/en/marketing.json";
import enPaywall from "./messages/en/paywall.json";
import enPlayground from "./messages/en/playground.json";
import enValidation from "./messages/en/validation.json";
import zhAdmin from "./messages/zh-CN/admin.json";
import zhAuth from "./messages/zh-CN/auth.json";
import zhCommon from "./messages/zh-CN/common.json";
import zhConsole from "./messages/zh-CN/console.json";
import zhDocs from "./messages/zh-CN/docs.json";
import zhErrors from "./messages/zh-CN/errors.json";
import zhMarketing from "./messages/zh-CN/marketing.json";
import zhPaywall from "./messages/zh-CN/paywall.json";
import zhPlayground from "./messages/zh-CN/playground.json";
import zhValidation from "./messages/zh-CN/validation.json";

import type { Locale } from "./locales";

// One JSON file per namespace and locale (server/i18n/README.md). Static imports: the bundler and
// tsx both resolve them, and a missing file fails the build instead of a request.

export const NAMESPACES = [
  "common",
  "auth",
  "errors",
  "paywall",
  "console",
  "admin",
  "marketing",
  "docs",
  "playground",
  "validation",
] as const;
export type Namespace = (typeof NAMESPACES)[number];

const EN = {
  common: enCommon,
  auth: enAuth,
  errors: enErrors,
  paywall: enPaywall,
  console: enConsole,
  admin: enAdmin,
  marketing: enMarketing,
  docs: enDocs,
  playground: enPlayground,
  validation: enValidation,
};

/** The shape of every locale's messages: English's. tsc rejects a zh-CN file missing an English key. */
export type Messages = typeof EN;

const MESSAGES = {
  en: EN,
  "zh-CN": {
    common: zhCommon,
    auth: zhAuth,
    errors: zhErrors,
    paywall: zhPaywall,
    console: zhConsole,
    admin: zhAdmin,
    marketing: zhMarketing,
    docs: zhDocs,
    playground: zhPlayground,
    validation: zhValidation,
  },
} satisfies Record<Locale, Messages & Record<Namespace, AbstractIntlMessages>>;

/** Every namespace of one locale, keyed by namespace: the "auth" namespace is auth.json. */
export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}
