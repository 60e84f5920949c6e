import { describe, expect, it } from "vitest";

import { createMetrics, DISABLED_METRICS } from "./metrics";
import { histogramQuantile, operationsView } from "./operations";

describe("histogramQuantile", () => {
  it("interpolates inside the bucket holding the rank, as Prometheus does", () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.2, count: 90 },
      { le: 0.5, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(buckets, 0.7)).toBeCloseTo(0.15);
    expect(histogramQuantile(buckets, 0.95)).toBeCloseTo(0.35);
    expect(histogramQuantile([{ le: 1, count: 0 }], 0.5)).toBeNull();
    expect(
      histogramQuantile(
        [
          { le: 1, count: 1 },
          { le: Infinity, count: 10 },
        ],
        0.9,
      ),
    ).toBe(1);
  });
});

describe("operationsView", () => {
  it("reports requests per second, error rate and settlement percentiles over the interval between two looks", async () => {
    const metrics = createMetrics();
    metrics.registerQueue("webhooks", () => ({ depth: 4, oldestAgeSeconds: 12 }));
    const t0 = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < 5; i++)
      metrics.gatewayRequest({
        outcome: "free",
        reason: "none",
        merchantId: "mer_a",
        seconds: 0.002,
      });
    await operationsView(metrics, t0);
    for (let i = 0; i < 90; i++)
      metrics.gatewayRequest({
        outcome: "paid",
        reason: "none",
        merchantId: "mer_a",
        seconds: 0.02,
      });
    for (let i = 0; i < 10; i++)
      metrics.gatewayRequest({
        outcome: "upstream_error",
        reason: "upstream_error",
        merchantId: "mer_a",
        seconds: 0.02,
      });
    for (let i = 0; i < 100; i++)
      metrics.facilitatorCall({
        operation: "settle",
        facilitator: "local",
        seconds: i < 50 ? 0.02 : 0.2,
        failureReason: null,
      });
    const view = await operationsView(metrics, new Date(t0.getTime() + 10_000));
    if (!view.enabled) throw new Error("metrics are on");
    expect(view.windowSeconds).toBe(10);
    expect(view.requestsPerSecond).toBeCloseTo(10);
    expect(view.errorRate).toBeCloseTo(0.1);
    expect(view.byOutcome.paid).toBeCloseTo(9);
    expect(view.settlement.count).toBe(100);
    expect(view.settlement.p50Ms).toBe(25);
    expect(view.settlement.p95Ms).toBeGreaterThan(100);
    expect(view.settlement.p95Ms).toBeLessThanOrEqual(250);
    expect(view.queues).toEqual([{ queue: "webhooks", depth: 4, oldestAgeSeconds: 12 }]);
  });

  it("says metrics are off when they are", async () => {
    expect(await operationsView(DISABLED_METRICS, new Date())).toEqual({ enabled: false });
  });
});
