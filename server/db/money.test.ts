import { describe, expect, it } from "vitest";

import { Prisma } from "./generated/client";
import { fromAtomic, toAtomic } from "./money";

const UINT256_MAX = 2n ** 256n - 1n;

describe("toAtomic", () => {
  it("reads integer decimals exactly, including uint256 max", () => {
    expect(toAtomic(new Prisma.Decimal("0"))).toBe(0n);
    expect(toAtomic(new Prisma.Decimal("1000000"))).toBe(1_000_000n);
    expect(toAtomic(new Prisma.Decimal("-25"))).toBe(-25n);
    expect(toAtomic(new Prisma.Decimal(UINT256_MAX.toString()))).toBe(UINT256_MAX);
  });

  it("reads values that Decimal prints in exponent notation", () => {
    const big = new Prisma.Decimal("1000000000000000000000000");
    expect(big.toString()).toContain("e+");
    expect(toAtomic(big)).toBe(10n ** 24n);
  });

  it("reads integer strings", () => {
    expect(toAtomic("123456789012345678901234567890")).toBe(123456789012345678901234567890n);
    expect(toAtomic(" -7 ")).toBe(-7n);
  });

  it("refuses fractions, exponents and non-numbers", () => {
    expect(() => toAtomic(new Prisma.Decimal("1.5"))).toThrow(RangeError);
    expect(() => toAtomic(new Prisma.Decimal(NaN))).toThrow(RangeError);
    expect(() => toAtomic("1.0")).toThrow(RangeError);
    expect(() => toAtomic("1e3")).toThrow(RangeError);
    expect(() => toAtomic("")).toThrow(RangeError);
    expect(() => toAtomic("0x10")).toThrow(RangeError);
  });
});

describe("fromAtomic", () => {
  it("writes bigints exactly and round-trips", () => {
    for (const value of [0n, 1n, -1n, 10n ** 18n, UINT256_MAX, -UINT256_MAX]) {
      const decimal = fromAtomic(value);
      expect(decimal).toBeInstanceOf(Prisma.Decimal);
      expect(decimal.toFixed()).toBe(value.toString());
      expect(toAtomic(decimal)).toBe(value);
    }
  });

  it("refuses values wider than Decimal(78,0)", () => {
    expect(() => fromAtomic(10n ** 78n)).toThrow(RangeError);
    expect(fromAtomic(10n ** 78n - 1n).toFixed()).toBe((10n ** 78n - 1n).toString());
  });
});
