import { describe, expect, it } from "vitest";

import { summarizeUpstreamHealth } from "./upstream-health";

describe("summarizeUpstreamHealth", () => {
  it("has no error rate without calls, and rounds latencies", () => {
    expect(
      summarizeUpstreamHealth({ calls: 0, errors: 0, p50: null, p95: null, lastErrorAt: null }, 24),
    ).toEqual({
      windowHours: 24,
      calls: 0,
      errors: 0,
      errorRate: null,
      p50LatencyMs: null,
      p95LatencyMs: null,
      lastErrorAt: null,
    });
    expect(
      summarizeUpstreamHealth({ calls: 8, errors: 2, p50: 12.4, p95: 80.6, lastErrorAt: null }, 1),
    ).toMatchObject({ errorRate: 0.25, p50LatencyMs: 12, p95LatencyMs: 81 });
  });
});
