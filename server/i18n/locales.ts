// Pure: which language a request is answered in. No next/* imports, so the gateway (outside
// React) and the unit tests use the same rule as the pages.

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Set by the language switch; read on every request. One year: the choice outlives sessions. */
export const LOCALE_COOKIE = "NEXT_LOCALE";
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Maps one language tag to a supported locale: any Chinese tag except Traditional scripts/regions → zh-CN. */
function matchTag(tag: string): Locale | null {
  const lower = tag.toLowerCase();
  const [language] = lower.split("-");
  if (language === "en") return "en";
  if (language === "zh") {
    // zh-Hant, zh-TW, zh-HK, zh-MO read Traditional characters: Simplified is still closer than English,
    // but an explicit Traditional tag may be followed by a better entry later in the list
    return "zh-CN";
  }
  return null;
}

/** Parses Accept-Language ("zh-CN,zh;q=0.9,en;q=0.8") into tags ordered by q, dropping q=0. */
export function parseAcceptLanguage(header: string): string[] {
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== "" && entry.tag !== "*" && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The cookie wins when it names a supported locale; else the best Accept-Language match; else English. */
export function resolveLocale(input: {
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(input.cookie)) return input.cookie;
  for (const tag of parseAcceptLanguage(input.acceptLanguage ?? "")) {
    const match = matchTag(tag);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/** Reads the locale cookie out of a raw Cookie header (the gateway has no next/headers). */
export function localeCookieFrom(cookieHeader: string | null | undefined): string | null {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === LOCALE_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return null;
}
