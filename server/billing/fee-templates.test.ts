import { describe, expect, it } from "vitest";
import { z } from "zod";

import { issueMessage } from "@/server/i18n/validation-keys";
import { validationTextIn } from "@/server/i18n/validation-text";

import { platformFeeFor } from "./fee-templates";
import { addFeeVersionInput, createFeeTemplateInput } from "./schemas";

describe("platformFeeFor", () => {
  it("takes floor(amount × bps / 10000) plus the fixed fee", () => {
    expect(platformFeeFor(10_000n, { bps: 250, fixedFeeAtomic: 0n })).toBe(250n);
    expect(platformFeeFor(10_001n, { bps: 250, fixedFeeAtomic: 0n })).toBe(250n);
    expect(platformFeeFor(39n, { bps: 250, fixedFeeAtomic: 0n })).toBe(0n);
    expect(platformFeeFor(10_000n, { bps: 250, fixedFeeAtomic: 100n })).toBe(350n);
  });

  it("never charges more than the amount paid", () => {
    expect(platformFeeFor(1_000n, { bps: 10_000, fixedFeeAtomic: 1n })).toBe(1_000n);
    expect(platformFeeFor(50n, { bps: 0, fixedFeeAtomic: 500n })).toBe(50n);
  });

  it("is zero for a zero amount or zero terms, and exact for uint256-sized amounts", () => {
    expect(platformFeeFor(0n, { bps: 250, fixedFeeAtomic: 10n })).toBe(0n);
    expect(platformFeeFor(123_456n, { bps: 0, fixedFeeAtomic: 0n })).toBe(0n);
    const huge = 2n ** 255n + 12_345n;
    expect(platformFeeFor(huge, { bps: 1, fixedFeeAtomic: 0n })).toBe(huge / 10_000n);
  });
});

function fieldErrors(result: { success: boolean; error?: z.ZodError }) {
  expect(result.success).toBe(false);
  // the console's flattening (server/api/trpc.ts), read in English
  const fields = z.flattenError(result.error as z.ZodError, issueMessage).fieldErrors as Record<
    string,
    string[] | undefined
  >;
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, v?.map((m) => validationTextIn("en", m))]),
  );
}

describe("fee template validation", () => {
  const valid = { name: "Standard", bps: 250, fixedFeeAtomic: "0" };

  it("accepts 0–10000 whole basis points and a non-negative whole fixed fee", () => {
    expect(createFeeTemplateInput.parse(valid)).toMatchObject({
      bps: 250,
      fixedFeeAtomic: 0n,
      isDefault: false,
    });
    expect(
      createFeeTemplateInput.parse({ ...valid, bps: 10_000, fixedFeeAtomic: "1000" })
        .fixedFeeAtomic,
    ).toBe(1000n);
    expect(createFeeTemplateInput.parse({ ...valid, bps: 0 }).bps).toBe(0);
  });

  it("refuses a negative fee", () => {
    expect(fieldErrors(createFeeTemplateInput.safeParse({ ...valid, bps: -1 })).bps).toEqual([
      "A fee cannot be negative",
    ]);
  });

  it("refuses a fee over 100 %", () => {
    expect(fieldErrors(createFeeTemplateInput.safeParse({ ...valid, bps: 10_001 })).bps).toEqual([
      "A fee cannot exceed 100 % (10000 bps)",
    ]);
  });

  it("refuses fractional basis points", () => {
    expect(
      fieldErrors(
        addFeeVersionInput.safeParse({ templateId: "fee_00000000000000000000", bps: 2.5 }),
      ).bps,
    ).toEqual(["Basis points must be a whole number (1 bp = 0.01 %)"]);
  });

  it("refuses a negative or fractional fixed fee", () => {
    expect(
      fieldErrors(createFeeTemplateInput.safeParse({ ...valid, fixedFeeAtomic: "-5" }))
        .fixedFeeAtomic,
    ).toEqual(["The fixed fee cannot be negative"]);
    expect(
      fieldErrors(createFeeTemplateInput.safeParse({ ...valid, fixedFeeAtomic: "0.5" }))
        .fixedFeeAtomic,
    ).toEqual(["Enter a whole number of atomic units (1 USDC = 1000000)"]);
  });
});
