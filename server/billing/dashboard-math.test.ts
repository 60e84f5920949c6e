import { describe, expect, it } from "vitest";

import { delta, fillDays, periodStats } from "./dashboard-math";

describe("dashboard math", () => {
  it("derives the failure rate, with none for an empty period", () => {
    expect(
      periodStats({
        calls: 8,
        paidCalls: 5,
        failedCalls: 2,
        revenueAtomic: 50_000n,
        p50LatencyMs: 10,
        p95LatencyMs: 40,
      }).failureRate,
    ).toBe(0.25);
    expect(
      periodStats({
        calls: 0,
        paidCalls: 0,
        failedCalls: 0,
        revenueAtomic: 0n,
        p50LatencyMs: null,
        p95LatencyMs: null,
      }).failureRate,
    ).toBeNull();
  });

  it("computes deltas without a zero base", () => {
    expect(delta(15, 10)).toBe(0.5);
    expect(delta(5n, 10n)).toBe(-0.5);
    expect(delta(3, 0)).toBeNull();
  });

  it("fills missing days oldest first, ending today", () => {
    const days = fillDays(
      [{ day: "2026-11-25", n: 3 }],
      new Date("2026-11-26T12:00:00Z"),
      3,
      (day) => ({ day, n: 0 }),
    );
    expect(days).toEqual([
      { day: "2026-11-24", n: 0 },
      { day: "2026-11-25", n: 3 },
      { day: "2026-11-26", n: 0 },
    ]);
  });
});
