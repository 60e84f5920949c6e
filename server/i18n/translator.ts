import { createTranslator } from "next-intl";

import { type Locale } from "./locales";
import { messagesFor, type Namespace } from "./messages";

/** A `t` outside React (the gateway's paywall HTML, emails): same messages, same ICU formatting. */
export function translatorFor<N extends Namespace>(locale: Locale, namespace: N) {
  return createTranslator({ locale, messages: messagesFor(locale), namespace });
}
