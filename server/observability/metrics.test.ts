import { describe, expect, it } from "vitest";

import { createMetrics } from "./metrics";
import { parsePrometheusText, sampleValue, type Sample } from "./prometheus-text";

async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<Sample[]> {
  return parsePrometheusText((await metrics.registry?.metrics()) ?? "");
}

describe("the gateway's per-request metrics (recorded in batches)", () => {
  it("shows every request recorded before a scrape, whether or not its batch was full", async () => {
    const metrics = createMetrics({ merchantAllowList: ["mer_a"] });
    // 1500: one full batch of latencies handed on while recording, the rest at the scrape
    for (let i = 0; i < 1500; i++)
      metrics.gatewayRequest({
        outcome: "free",
        reason: "none",
        merchantId: "mer_a",
        seconds: 0.002,
      });
    for (let i = 0; i < 7; i++)
      metrics.gatewayRequest({
        outcome: "rejected",
        reason: "replay",
        merchantId: null,
        seconds: 0.03,
      });
    const first = await scrape(metrics);
    expect(
      sampleValue(first, "x402_gateway_requests_total", { outcome: "free", reason: "none" }),
    ).toBe(1500);
    expect(
      sampleValue(first, "x402_gateway_requests_total", { outcome: "rejected", reason: "replay" }),
    ).toBe(7);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_count", { outcome: "free" }),
    ).toBe(1500);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_sum", { outcome: "free" }),
    ).toBeCloseTo(3, 9);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_bucket", {
        outcome: "free",
        le: "0.001",
      }),
    ).toBe(0);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_bucket", {
        outcome: "free",
        le: "0.0025",
      }),
    ).toBe(1500);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_bucket", {
        outcome: "rejected",
        le: "0.025",
      }),
    ).toBe(0);
    expect(
      sampleValue(first, "x402_gateway_request_duration_seconds_bucket", {
        outcome: "rejected",
        le: "0.05",
      }),
    ).toBe(7);
    expect(
      sampleValue(first, "x402_gateway_merchant_requests_total", {
        merchant: "mer_a",
        outcome: "free",
      }),
    ).toBe(1500);
    expect(
      sampleValue(first, "x402_gateway_merchant_requests_total", { outcome: "rejected" }),
    ).toBe(0);

    // a second scrape adds only what came after the first; nothing is counted twice
    metrics.gatewayRequest({ outcome: "free", reason: "none", merchantId: "mer_a", seconds: 0.2 });
    const second = await scrape(metrics);
    expect(
      sampleValue(second, "x402_gateway_requests_total", { outcome: "free", reason: "none" }),
    ).toBe(1501);
    expect(
      sampleValue(second, "x402_gateway_request_duration_seconds_count", { outcome: "free" }),
    ).toBe(1501);
    expect(
      sampleValue(second, "x402_gateway_request_duration_seconds_sum", { outcome: "free" }),
    ).toBeCloseTo(3.2, 9);
    expect(
      sampleValue(second, "x402_gateway_merchant_requests_total", {
        merchant: "mer_a",
        outcome: "free",
      }),
    ).toBe(1501);
    expect(sampleValue(await scrape(metrics), "x402_gateway_requests_total")).toBe(1508);
  });

  it("gives the JSON view (the admin operations page) the same numbers", async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 3; i++)
      metrics.gatewayRequest({
        outcome: "paid",
        reason: "none",
        merchantId: "mer_b",
        seconds: 0.01,
      });
    const json = (await metrics.registry?.getMetricsAsJSON()) ?? [];
    const total = json.find((m) => m.name === "x402_gateway_requests_total");
    expect(total?.values).toEqual([
      expect.objectContaining({ labels: { outcome: "paid", reason: "none" }, value: 3 }),
    ]);
  });
});
