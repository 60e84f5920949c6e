import { describe, expect, it } from "vitest";

import { axisWidthFor, niceAxisMax } from "./chart-axis";

describe("niceAxisMax", () => {
  it("rounds the data maximum up the way an axis labels its top tick", () => {
    expect(niceAxisMax(0)).toBe(0);
    expect(niceAxisMax(7)).toBe(7);
    expect(niceAxisMax(45_000)).toBe(50_000);
    expect(niceAxisMax(12_345)).toBe(20_000);
    expect(niceAxisMax(0.37)).toBe(0.4);
  });
});

describe("axisWidthFor", () => {
  const px = 11; // the charts' tick font size

  it("leaves room for the widest label plus the tick line", () => {
    // the admin overview's clipped axis: a fixed 36 px cannot hold five digits
    expect(axisWidthFor(["0", "15000", "30000", "45000"], px)).toBeGreaterThan(5 * px * 0.6 + 8);
    expect(axisWidthFor(["0", "5"], px)).toBeLessThan(axisWidthFor(["0", "45000"], px));
  });

  it("counts CJK glyphs as full-width (compact Chinese labels such as 4.5万)", () => {
    expect(axisWidthFor(["4.5万"], px)).toBeGreaterThan(axisWidthFor(["4.5K"], px));
    expect(axisWidthFor(["4.5万"], px)).toBeGreaterThanOrEqual(3 * px * 0.62 + px + 8);
  });

  it("never goes below a minimum width", () => {
    expect(axisWidthFor([], px)).toBe(axisWidthFor(["0"], px));
  });
});
