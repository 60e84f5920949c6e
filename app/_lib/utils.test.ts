import { describe, expect, it } from "vitest";

import {
  cn,
  formatAmount,
  formatDateTime,
  formatRelativeTime,
  parseAmount,
  shortenAddress,
} from "./utils";

describe("cn", () => {
  it("lets later Tailwind classes win over conflicting earlier ones", () => {
    expect(cn("px-2 py-1", false && "hidden", "px-4")).toBe("py-1 px-4");
  });
});

describe("formatAmount", () => {
  it("formats USDC atomic units as an exact decimal with at least two decimals", () => {
    expect(formatAmount(10000n, 6)).toBe("0.01");
    expect(formatAmount(1n, 6)).toBe("0.000001");
    expect(formatAmount(0n, 6)).toBe("0.00");
    expect(formatAmount(1_000_000n, 6)).toBe("1.00");
    expect(formatAmount(1_500_000n, 6)).toBe("1.50");
  });

  it("trims trailing zeros beyond the minimum", () => {
    expect(formatAmount(1_234_500n, 6)).toBe("1.2345");
  });

  it("groups thousands unless asked not to", () => {
    expect(formatAmount(1_234_567_890n, 6)).toBe("1,234.56789");
    expect(formatAmount(1_234_567_890n, 6, { group: false })).toBe("1234.56789");
  });

  it("stays exact beyond Number precision", () => {
    expect(formatAmount(123456789012345678901234567890n, 18)).toBe(
      "123,456,789,012.34567890123456789",
    );
  });

  it("accepts atomic strings, as they arrive over JSON", () => {
    expect(formatAmount("2500", 6)).toBe("0.0025");
    expect(formatAmount("000100", 2)).toBe("1.00");
  });

  it("keeps the sign of negative amounts but never prints -0", () => {
    expect(formatAmount(-10_000n, 6)).toBe("-0.01");
    expect(formatAmount("-0", 6)).toBe("0.00");
  });

  it("honours minDecimals and assets without decimals", () => {
    expect(formatAmount(1_000_000n, 6, { minDecimals: 0 })).toBe("1");
    expect(formatAmount(1_000_000n, 6, { minDecimals: 6 })).toBe("1.000000");
    expect(formatAmount(42n, 0)).toBe("42");
    expect(formatAmount(5n, 1)).toBe("0.5");
  });

  it("rounds half away from zero to maxDecimals for display figures such as ARPU", () => {
    expect(formatAmount(1_234_567n, 6, { maxDecimals: 2 })).toBe("1.23");
    expect(formatAmount(1_235_000n, 6, { maxDecimals: 2 })).toBe("1.24");
    expect(formatAmount(9_999_999n, 6, { maxDecimals: 2 })).toBe("10.00");
    expect(formatAmount(-1_235_000n, 6, { maxDecimals: 2 })).toBe("-1.24");
    expect(formatAmount(1_500_000n, 6, { maxDecimals: 2, minDecimals: 0 })).toBe("1.5");
    expect(formatAmount(4_999n, 6, { maxDecimals: 2 })).toBe("0.00");
    expect(formatAmount(45_000_123_456n, 6, { maxDecimals: 2, locale: "zh-CN" })).toBe("45,000.12");
    expect(formatAmount(1_234_567n, 6, { maxDecimals: 0 })).toBe("1");
  });

  it("rejects values that are not integers", () => {
    expect(() => formatAmount("1.5", 6)).toThrow(TypeError);
    expect(() => formatAmount("abc", 6)).toThrow(TypeError);
    expect(() => formatAmount(1n, -1)).toThrow(RangeError);
    expect(() => formatAmount(1n, 1.5)).toThrow(RangeError);
  });
});

describe("parseAmount", () => {
  it("parses decimals into atomic units", () => {
    expect(parseAmount("0.01", 6)).toBe(10_000n);
    expect(parseAmount("1", 6)).toBe(1_000_000n);
    expect(parseAmount("12.345678", 6)).toBe(12_345_678n);
    expect(parseAmount(".5", 6)).toBe(500_000n);
    expect(parseAmount("5.", 6)).toBe(5_000_000n);
    expect(parseAmount(" 0 ", 6)).toBe(0n);
    expect(parseAmount("7", 0)).toBe(7n);
  });

  it("stays exact beyond Number precision", () => {
    expect(parseAmount("123456789012.34567890123456789", 18)).toBe(123456789012345678901234567890n);
  });

  it("round-trips with formatAmount without grouping", () => {
    for (const atomic of [0n, 1n, 10_000n, 1_234_567_890n]) {
      expect(parseAmount(formatAmount(atomic, 6, { group: false }), 6)).toBe(atomic);
    }
  });

  it("throws on more precision than the asset has, but allows trailing zeros", () => {
    expect(() => parseAmount("0.0000001", 6)).toThrow("at most 6 decimal places");
    expect(() => parseAmount("1.5", 0)).toThrow("whole number");
    expect(parseAmount("0.010000000", 6)).toBe(10_000n);
  });

  it("throws on negative and non-numeric input", () => {
    expect(() => parseAmount("-1", 6)).toThrow("negative");
    for (const bad of [
      "",
      " ",
      ".",
      "abc",
      "1e3",
      "+1",
      "1,000",
      "1.2.3",
      "0x10",
      "NaN",
      "Infinity",
    ]) {
      expect(() => parseAmount(bad, 6), bad).toThrow();
    }
  });
});

describe("shortenAddress", () => {
  it("keeps the prefix and four characters on each side", () => {
    expect(shortenAddress("0x1234567890abcdef1234567890abcdef12345678")).toBe("0x1234…5678");
    expect(shortenAddress("0x1234567890abcdef1234567890abcdef12345678", 6)).toBe("0x123456…345678");
  });

  it("leaves short values alone", () => {
    expect(shortenAddress("0x12345678")).toBe("0x12345678");
    expect(shortenAddress("mer_abc")).toBe("mer_abc");
  });
});

describe("formatDateTime", () => {
  it("formats in a fixed locale and the given time zone", () => {
    expect(formatDateTime(new Date("2026-03-04T14:05:09Z"), { timeZone: "UTC" })).toBe(
      "Mar 4, 2026, 2:05 PM",
    );
    expect(formatDateTime("2026-03-04T14:05:09Z", { timeZone: "UTC", withSeconds: true })).toBe(
      "Mar 4, 2026, 2:05:09 PM",
    );
  });

  it("throws on invalid dates", () => {
    expect(() => formatDateTime("not a date")).toThrow(RangeError);
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-03-04T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it("describes past times", () => {
    expect(formatRelativeTime(ago(10), now)).toBe("just now");
    expect(formatRelativeTime(ago(50), now)).toBe("1 minute ago");
    expect(formatRelativeTime(ago(5 * 60), now)).toBe("5 minutes ago");
    expect(formatRelativeTime(ago(3 * 3600), now)).toBe("3 hours ago");
    expect(formatRelativeTime(ago(24 * 3600), now)).toBe("yesterday");
    expect(formatRelativeTime(ago(3 * 86400), now)).toBe("3 days ago");
    expect(formatRelativeTime(ago(14 * 86400), now)).toBe("2 weeks ago");
    expect(formatRelativeTime(ago(90 * 86400), now)).toBe("3 months ago");
    expect(formatRelativeTime(ago(800 * 86400), now)).toBe("2 years ago");
  });

  it("describes future times", () => {
    expect(formatRelativeTime(new Date(now.getTime() + 2 * 3600_000), now)).toBe("in 2 hours");
  });
});

describe("locale-aware formatting", () => {
  it("keeps every digit of an amount and uses the locale's separators", () => {
    expect(formatAmount(123456789012345678901234567890n, 18, { locale: "zh-CN" })).toBe(
      "123,456,789,012.34567890123456789",
    );
    expect(formatAmount(1234567890n, 6, { locale: "de-DE" })).toBe("1.234,56789");
    expect(formatAmount(1234567890n, 6, { locale: "zh-CN", group: false })).toBe("1234.56789");
  });

  it("formats dates and relative times in Chinese", () => {
    const at = Date.UTC(2026, 2, 4, 14, 5);
    expect(formatDateTime(at, { timeZone: "UTC", locale: "zh-CN" })).toBe("2026年3月4日 14:05");
    expect(formatRelativeTime(at, at + 10_000, "zh-CN")).toBe("现在");
    expect(formatRelativeTime(at, at + 5 * 60_000, "zh-CN")).toBe("5分钟前");
    expect(formatRelativeTime(at, at + 10_000)).toBe("just now");
  });
});
