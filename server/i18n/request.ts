import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { LOCALE_COOKIE, resolveLocale } from "./locales";
import { messagesFor } from "./messages";

// next-intl without i18n routing: URLs never carry a locale (the gateway owns /<merchantId>/…);
// each request's language comes from the switch's cookie or the browser's Accept-Language.
const SERVER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export default getRequestConfig(async () => {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const locale = resolveLocale({
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get("accept-language"),
  });
  // one zone for server and browser renders (no hydration mismatch): the server's, as before i18n
  return { locale, messages: messagesFor(locale), timeZone: SERVER_TIME_ZONE };
});
