import { describe, expect, it } from "vitest";

import { localeCookieFrom, parseAcceptLanguage, resolveLocale } from "./locales";

describe("resolveLocale", () => {
  it("defaults to English with no cookie and no Accept-Language", () => {
    expect(resolveLocale({})).toBe("en");
    expect(resolveLocale({ cookie: null, acceptLanguage: "" })).toBe("en");
  });

  it.each(["zh", "zh-Hans", "zh-CN", "zh-SG", "zh-Hans-CN", "ZH-cn"])("maps %s to zh-CN", (tag) => {
    expect(resolveLocale({ acceptLanguage: tag })).toBe("zh-CN");
  });

  it("follows the q-weights, not the order", () => {
    expect(resolveLocale({ acceptLanguage: "en;q=0.5,zh-CN;q=0.9" })).toBe("zh-CN");
    expect(resolveLocale({ acceptLanguage: "zh-CN;q=0.4,en-GB" })).toBe("en");
  });

  it("skips unsupported languages and q=0 entries", () => {
    expect(resolveLocale({ acceptLanguage: "fr-FR,de;q=0.9,zh;q=0.8" })).toBe("zh-CN");
    expect(resolveLocale({ acceptLanguage: "zh;q=0,fr" })).toBe("en");
  });

  it("lets a supported cookie win over Accept-Language and ignores an unsupported one", () => {
    expect(resolveLocale({ cookie: "en", acceptLanguage: "zh-CN" })).toBe("en");
    expect(resolveLocale({ cookie: "zh-CN", acceptLanguage: "en-US" })).toBe("zh-CN");
    expect(resolveLocale({ cookie: "fr", acceptLanguage: "zh-CN" })).toBe("zh-CN");
  });
});

describe("parseAcceptLanguage / localeCookieFrom", () => {
  it("orders tags by weight and keeps the header's order on ties", () => {
    expect(parseAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.9,*;q=0.1")).toEqual(["zh-CN", "zh", "en"]);
  });

  it("reads NEXT_LOCALE from a Cookie header", () => {
    expect(localeCookieFrom("a=1; NEXT_LOCALE=zh-CN; b=2")).toBe("zh-CN");
    expect(localeCookieFrom("a=1")).toBeNull();
    expect(localeCookieFrom(null)).toBeNull();
  });
});
