import { describe, expect, it } from "vitest";

import { arpu, fillBuckets, overviewWindow, revenueSummary } from "./overview";
import { errorSeries } from "./payments";
import { closedThrough, rollupCut } from "./rollups";

describe("overviewWindow", () => {
  const now = new Date("2026-03-10T15:42:00Z");

  it("covers the last 24 whole hours for a day, in hourly buckets", () => {
    const w = overviewWindow(now, "day");
    expect(w).toMatchObject({ bucket: "hour", from: new Date("2026-03-09T16:00:00Z") });
    expect(fillBuckets(w, [], [])).toHaveLength(24);
  });

  it("covers 7 and 30 whole UTC days for a week and a month", () => {
    expect(overviewWindow(now, "week").from).toEqual(new Date("2026-03-04T00:00:00Z"));
    expect(fillBuckets(overviewWindow(now, "week"), [], [])).toHaveLength(7);
    expect(fillBuckets(overviewWindow(now, "month"), [], [])).toHaveLength(30);
  });
});

describe("fillBuckets", () => {
  it("places rows in their bucket, oldest first, and zero-fills the rest", () => {
    const w = overviewWindow(new Date("2026-03-10T15:42:00Z"), "week");
    const points = fillBuckets(
      w,
      [
        {
          at: new Date("2026-03-10T00:00:00Z"),
          calls: 5,
          paidCalls: 2,
          errors: 1,
          revenueAtomic: "20000",
        },
      ],
      [{ at: new Date("2026-03-09T00:00:00Z"), feesAtomic: "500" }],
    );
    expect(points.map((p) => p.at.toISOString().slice(0, 10))).toEqual([
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
      "2026-03-10",
    ]);
    expect(points[6]).toMatchObject({
      calls: 5,
      paidCalls: 2,
      errors: 1,
      revenueAtomic: "20000",
      feesAtomic: "0",
    });
    expect(points[5]).toMatchObject({ calls: 0, feesAtomic: "500" });
  });
});

describe("arpu", () => {
  it("divides revenue by distinct payers in atomic units, null without payers", () => {
    expect(arpu(100n, 3)).toBe(33n);
    expect(arpu(0n, 0)).toBeNull();
  });
});

describe("errorSeries", () => {
  it("gives one row per day with a count per stage, ignoring unknown stages", () => {
    const rows = errorSeries(new Date("2026-03-08T00:00:00Z"), 3, [
      { day: "2026-03-09", stage: "upstream", count: 4 },
      { day: "2026-03-09", stage: "verification", count: 1 },
      { day: "2026-03-10", stage: "other", count: 9 },
    ]);
    expect(rows).toEqual([
      { day: "2026-03-08", verification: 0, settlement: 0, upstream: 0 },
      { day: "2026-03-09", verification: 1, settlement: 0, upstream: 4 },
      { day: "2026-03-10", verification: 0, settlement: 0, upstream: 0 },
    ]);
  });
});

describe("rollup boundaries", () => {
  it("waits for the margin after midnight before a day counts as closed", () => {
    expect(closedThrough(new Date("2030-06-16T00:30:00Z"))).toEqual(
      new Date("2030-06-15T00:00:00Z"),
    );
    expect(closedThrough(new Date("2030-06-16T01:00:00Z"))).toEqual(
      new Date("2030-06-16T00:00:00Z"),
    );
  });

  it("switches to raw rows at the rollups' reach, clamped into a day-aligned window", () => {
    const w = { from: new Date("2030-06-10T00:00:00Z"), to: new Date("2030-06-16T12:00:00Z") };
    expect(rollupCut(w, new Date("2030-06-16T00:00:00Z"))).toEqual(
      new Date("2030-06-16T00:00:00Z"),
    );
    expect(rollupCut(w, new Date("2030-06-01T00:00:00Z"))).toEqual(w.from);
    expect(rollupCut(w, null)).toEqual(w.from);
    expect(
      rollupCut(
        { from: new Date("2030-06-15T13:00:00Z"), to: w.to },
        new Date("2030-06-16T00:00:00Z"),
      ),
    ).toEqual(new Date("2030-06-15T13:00:00Z"));
  });
});

describe("revenueSummary", () => {
  it("derives net, the platform's share and ARPU from revenue, fees and payers", () => {
    expect(
      revenueSummary({ revenueAtomic: 40_000n, feesAtomic: 1_000n, distinctPayers: 2 }),
    ).toEqual({ netAtomic: 39_000n, platformShare: 0.025, arpuAtomic: 20_000n });
    // a share is rounded down to six decimal places, never to a float's noise
    expect(
      revenueSummary({ revenueAtomic: 30_000n, feesAtomic: 1_000n, distinctPayers: 1 })
        .platformShare,
    ).toBe(0.033333);
  });

  it("has no share and no ARPU without revenue or payers, and keeps uint256-sized amounts exact", () => {
    expect(revenueSummary({ revenueAtomic: 0n, feesAtomic: 0n, distinctPayers: 0 })).toEqual({
      netAtomic: 0n,
      platformShare: null,
      arpuAtomic: null,
    });
    const unit = 2n ** 190n;
    expect(
      revenueSummary({ revenueAtomic: 40n * unit, feesAtomic: unit, distinctPayers: 3 }),
    ).toEqual({ netAtomic: 39n * unit, platformShare: 0.025, arpuAtomic: (40n * unit) / 3n });
  });
});
