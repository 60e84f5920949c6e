import { describe, expect, it } from "vitest";

import { createMetrics } from "./metrics";
import { createMerchantLabeler, OTHER_MERCHANT } from "./merchant-labels";
import { parsePrometheusText } from "./prometheus-text";

// deterministic pseudo-random traffic: a few heavy merchants among 10 000
function* traffic(calls: number, merchants: number, heavy: string[]): Generator<string> {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < calls; i++) {
    yield next() < 0.5
      ? (heavy[Math.floor(next() * heavy.length)] as string)
      : `mer_${Math.floor(next() * merchants)
          .toString()
          .padStart(20, "0")}`;
  }
}

describe("per-merchant metric labels", () => {
  it("keeps the merchant label count bounded under 10 000 merchants' traffic, and gives the heavy ones their own", async () => {
    const heavy = Array.from({ length: 5 }, (_, i) => `mer_heavy${i.toString().padStart(15, "0")}`);
    const metrics = createMetrics({
      merchantTopN: 20,
      merchantAllowList: ["mer_allowed00000000000"],
    });
    for (const merchantId of traffic(200_000, 10_000, heavy))
      metrics.gatewayRequest({ outcome: "free", reason: "none", merchantId, seconds: 0.001 });
    metrics.gatewayRequest({
      outcome: "free",
      reason: "none",
      merchantId: "mer_allowed00000000000",
      seconds: 0.001,
    });
    const samples = parsePrometheusText((await metrics.registry?.metrics()) ?? "").filter(
      (s) => s.name === "x402_gateway_merchant_requests_total",
    );
    const merchants = new Set(samples.map((s) => s.labels.merchant));
    expect(merchants.size).toBeLessThanOrEqual(20 + 1 + 1);
    for (const id of heavy) expect(merchants).toContain(id);
    expect(merchants).toContain("mer_allowed00000000000");
    expect(merchants).toContain(OTHER_MERCHANT);
    // nothing is lost: every call is counted under some label
    expect(samples.reduce((sum, s) => sum + s.value, 0)).toBe(200_001);
  });

  it("does not give the first merchants of a fresh process a place just for arriving first", () => {
    const labeler = createMerchantLabeler({ topN: 2, minCalls: 10 });
    expect(labeler.labelFor("mer_a")).toBe(OTHER_MERCHANT);
    expect(labeler.labelFor("mer_b")).toBe(OTHER_MERCHANT);
    let label = "";
    for (let i = 0; i < 10; i++) label = labeler.labelFor("mer_c");
    expect(label).toBe("mer_c");
  });

  it("keeps an admitted merchant's label when traffic moves elsewhere (no series flapping)", () => {
    const labeler = createMerchantLabeler({ topN: 1, minCalls: 3, capacity: 4 });
    for (let i = 0; i < 3; i++) labeler.labelFor("mer_first");
    for (let i = 0; i < 100; i++) labeler.labelFor(`mer_${i % 7}`);
    expect(labeler.labelFor("mer_first")).toBe("mer_first");
    expect(labeler.labelFor("mer_1")).toBe(OTHER_MERCHANT);
    expect(labeler.labels().size).toBe(2);
  });
});
