import type { Locale } from "./locales";
import type { Messages } from "./messages";

// Typed keys: `t("auth.login.titel")` or a key missing from en/*.json fails `tsc`, not a page.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
