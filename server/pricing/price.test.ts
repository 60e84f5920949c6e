import { describe, expect, it } from "vitest";

import { vmsg } from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";

import { formatAtomic, parseDecimalToAtomic } from "./price";

describe("parseDecimalToAtomic", () => {
  it.each([
    ["0.01", 6, 10_000n],
    ["1", 6, 1_000_000n],
    ["0.000001", 6, 1n],
    ["12.500000", 6, 12_500_000n],
    ["123456789012345678901234567890", 6, 123456789012345678901234567890000000n],
  ])("%s with %d decimals is %s", (input, decimals, atomic) => {
    expect(parseDecimalToAtomic(input, decimals)).toEqual({ ok: true, atomic });
  });

  it("refuses more decimal places than the asset has, and non-numbers", () => {
    const refused = parseDecimalToAtomic("0.0000001", 6);
    expect(refused).toEqual({
      ok: false,
      message: vmsg("pricing.tooManyDecimals", { decimals: 6 }),
    });
    expect(validationTextIn("en", refused.ok ? "" : refused.message)).toBe(
      "Use at most 6 decimal places for this asset",
    );
    for (const bad of ["", "-1", "1e-6", "0x10", "1,5", ".5", "abc"])
      expect(parseDecimalToAtomic(bad, 6).ok).toBe(false);
  });
});

describe("formatAtomic", () => {
  it("prints the shortest exact decimal", () => {
    expect(formatAtomic(10_000n, 6)).toBe("0.01");
    expect(formatAtomic(1n, 6)).toBe("0.000001");
    expect(formatAtomic(5_000_000n, 6)).toBe("5");
    expect(formatAtomic(-2_500_000n, 6)).toBe("-2.5");
    expect(formatAtomic(7n, 0)).toBe("7");
  });

  it("round-trips with parseDecimalToAtomic", () => {
    for (const text of ["0.01", "123.456789", "1000000"]) {
      const parsed = parseDecimalToAtomic(text, 6);
      expect(parsed.ok && formatAtomic(parsed.atomic, 6)).toBe(text);
    }
  });
});
