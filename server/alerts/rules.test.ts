import { describe, expect, it } from "vitest";

import {
  abnormalPaymentAlerts,
  highFrequencyIpAlerts,
  median,
  robustZ,
  rpcFailureAlerts,
  trendBreakAlerts,
  verificationFailureAlerts,
} from "./rules";
import { DEFAULT_ALERT_THRESHOLDS } from "./schemas";

const defaults = () => DEFAULT_ALERT_THRESHOLDS;

describe("verification failure rate", () => {
  it("fires above the rate once there are enough attempts, and not below either", () => {
    const fired = verificationFailureAlerts(
      [
        { merchantId: "mer_bad", attempts: 40, failures: 20 },
        { merchantId: "mer_ok", attempts: 40, failures: 4 },
        { merchantId: "mer_few", attempts: 5, failures: 5 },
      ],
      defaults,
    );
    expect(fired.map((a) => a.dedupeKey)).toEqual(["verification_failure_rate:mer_bad"]);
    expect(fired[0]).toMatchObject({
      merchantId: "mer_bad",
      severity: "CRITICAL",
      details: { attempts: 40, failures: 20, rate: 0.5 },
    });
  });

  it("uses the merchant's own threshold", () => {
    const rows = [{ merchantId: "mer_strict", attempts: 40, failures: 4 }];
    expect(
      verificationFailureAlerts(rows, () => ({
        ...DEFAULT_ALERT_THRESHOLDS,
        verificationFailureRate: 0.05,
      })),
    ).toHaveLength(1);
    expect(verificationFailureAlerts(rows, defaults)).toHaveLength(0);
  });
});

describe("chain RPC failure rate", () => {
  it("fires on the calls between two readings, per network", () => {
    const previous = {
      "eip155:1": { calls: 100, errors: 0 },
      "eip155:2": { calls: 100, errors: 50 },
    };
    const current = {
      "eip155:1": { calls: 150, errors: 20 },
      "eip155:2": { calls: 200, errors: 51 },
    };
    const fired = rpcFailureAlerts(previous, current, DEFAULT_ALERT_THRESHOLDS);
    expect(fired.map((a) => a.dedupeKey)).toEqual(["chain_rpc_failure_rate:eip155:1"]);
    expect(fired[0]?.details).toMatchObject({ calls: 50, errors: 20 });
  });

  it("does not fire on too few calls, and reads a counter reset as a fresh start", () => {
    expect(
      rpcFailureAlerts({}, { "eip155:1": { calls: 5, errors: 5 } }, DEFAULT_ALERT_THRESHOLDS),
    ).toEqual([]);
    const fired = rpcFailureAlerts(
      { "eip155:1": { calls: 1000, errors: 0 } },
      { "eip155:1": { calls: 30, errors: 30 } },
      DEFAULT_ALERT_THRESHOLDS,
    );
    expect(fired).toHaveLength(1);
  });
});

describe("abnormal payments", () => {
  it("fires for a payer with many failed signatures or replays, not for one with a few", () => {
    const fired = abnormalPaymentAlerts(
      [
        {
          merchantId: "mer_a",
          payer: "0xbad",
          failures: 12,
          reasons: ["payment_replayed", "invalid_exact_evm_signature"],
        },
        { merchantId: "mer_a", payer: "0xok", failures: 2, reasons: ["payment_replayed"] },
      ],
      defaults,
    );
    expect(fired.map((a) => a.dedupeKey)).toEqual(["abnormal_payments:mer_a:0xbad"]);
  });
});

describe("high-frequency IPs", () => {
  it("fires for an IP far above its usual rate and for a new IP above the minimum", () => {
    const fired = highFrequencyIpAlerts(
      [
        {
          merchantId: "mer_a",
          clientIp: "10.0.0.1",
          recent: 1000,
          baselineCalls: 960,
          baselineWindows: 96,
        }, // usual 10 → 100×
        {
          merchantId: "mer_a",
          clientIp: "10.0.0.2",
          recent: 400,
          baselineCalls: 0,
          baselineWindows: 96,
        }, // new
      ],
      defaults,
    );
    expect(fired.map((a) => a.dedupeKey).sort()).toEqual([
      "high_frequency_ip:mer_a:10.0.0.1",
      "high_frequency_ip:mer_a:10.0.0.2",
    ]);
  });

  it("does not fire for a busy IP at its usual rate, or below the minimum", () => {
    const fired = highFrequencyIpAlerts(
      [
        {
          merchantId: "mer_a",
          clientIp: "10.0.0.3",
          recent: 1000,
          baselineCalls: 96 * 800,
          baselineWindows: 96,
        },
        {
          merchantId: "mer_a",
          clientIp: "10.0.0.4",
          recent: 50,
          baselineCalls: 0,
          baselineWindows: 96,
        },
      ],
      defaults,
    );
    expect(fired).toEqual([]);
  });
});

describe("trend break (robust z-score)", () => {
  const steady = Array.from({ length: 96 }, (_, i) => 100 + (i % 7) - 3);
  const revenue = steady.map((c) => c * 1000);

  it("computes median, MAD and the floor", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(robustZ(10, [1, 1, 1, 1], 1)).toMatchObject({ median: 1, mad: 0, scale: 1, z: 9 });
  });

  it("fires when calls collapse or revenue spikes, and says which statistic broke", () => {
    const fired = trendBreakAlerts(
      [
        {
          merchantId: "mer_drop",
          calls: steady,
          revenue,
          currentCalls: 10,
          currentRevenue: 10_000,
        },
        {
          merchantId: "mer_spike",
          calls: steady,
          revenue,
          currentCalls: 101,
          currentRevenue: 400_000,
        },
      ],
      defaults,
    );
    expect(fired.map((a) => a.dedupeKey).sort()).toEqual([
      "trend_break:mer_drop:calls",
      "trend_break:mer_drop:revenue",
      "trend_break:mer_spike:revenue",
    ]);
    expect(fired.find((a) => a.dedupeKey === "trend_break:mer_drop:calls")?.severity).toBe(
      "WARNING",
    );
  });

  it("does not fire for ordinary variation, for a baseline holding one earlier burst, or for a merchant too small to judge", () => {
    const withBurst = [...steady.slice(0, 95), 5000];
    const fired = trendBreakAlerts(
      [
        {
          merchantId: "mer_normal",
          calls: steady,
          revenue,
          currentCalls: 112,
          currentRevenue: 112_000,
        },
        {
          merchantId: "mer_burst",
          calls: withBurst,
          revenue: withBurst.map((c) => c * 1000),
          currentCalls: 95,
          currentRevenue: 95_000,
        },
        {
          merchantId: "mer_tiny",
          calls: Array.from({ length: 96 }, () => 2),
          revenue: [],
          currentCalls: 60,
          currentRevenue: 0,
        },
      ],
      defaults,
    );
    expect(fired).toEqual([]);
  });
});
