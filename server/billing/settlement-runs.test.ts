import { describe, expect, it } from "vitest";

import { platformFeeFor } from "./fee-templates";
import { previousMonth } from "./settlement-runs";
import { monthPeriod, statementCsv, statementLine } from "./statements";

describe("previousMonth", () => {
  it("is the calendar month before now, in UTC, across a year boundary", () => {
    expect(previousMonth(new Date("2026-11-26T06:00:00Z"))).toEqual({
      periodStart: new Date("2026-10-01T00:00:00Z"),
      periodEnd: new Date("2026-11-01T00:00:00Z"),
    });
    expect(previousMonth(new Date("2027-01-01T00:00:01Z"))).toEqual({
      periodStart: new Date("2026-12-01T00:00:00Z"),
      periodEnd: new Date("2027-01-01T00:00:00Z"),
    });
  });
});

describe("monthPeriod", () => {
  it("spans the month in UTC", () => {
    expect(monthPeriod("2026-12")).toEqual({
      periodStart: new Date("2026-12-01T00:00:00Z"),
      periodEnd: new Date("2027-01-01T00:00:00Z"),
    });
  });
});

describe("platformFeeFor", () => {
  it("takes basis points rounded down plus the fixed fee, never more than the amount", () => {
    expect(platformFeeFor(10_000n, { bps: 250, fixedFeeAtomic: 0n })).toBe(250n);
    expect(platformFeeFor(9_999n, { bps: 250, fixedFeeAtomic: 0n })).toBe(249n);
    expect(platformFeeFor(10_000n, { bps: 100, fixedFeeAtomic: 50n })).toBe(150n);
    expect(platformFeeFor(100n, { bps: 10_000, fixedFeeAtomic: 50n })).toBe(100n);
  });
});

describe("statementLine", () => {
  const asset = { symbol: "USDC", decimals: 6 };
  it("turns signed entry sums into the statement: net, payouts and the closing balance", () => {
    const line = statementLine(
      {
        network: "eip155:8453",
        asset: "0xa",
        opening: "500",
        charge: "30000",
        fee: "-750",
        refund: "-4000",
        adjustment: "100",
        payout: "-20000",
        paidCalls: 3,
      },
      asset,
    );
    expect(line).toMatchObject({
      opening: "500",
      gross: "30000",
      fees: "750",
      refunds: "4000",
      adjustments: "100",
      net: "25350",
      payouts: "20000",
      closing: "5850",
      paidCalls: 3,
    });
  });

  it("writes one CSV row per asset in atomic units", () => {
    const line = statementLine(
      {
        network: "eip155:8453",
        asset: "0xa",
        opening: "0",
        charge: "10000",
        fee: "-250",
        refund: "0",
        adjustment: "0",
        payout: "-10000",
        paidCalls: 1,
      },
      asset,
    );
    const csv = statementCsv({
      merchantId: "mer_x",
      merchantName: "X",
      settlementMode: "DIRECT",
      month: "2026-11",
      periodStart: new Date(),
      periodEnd: new Date(),
      lines: [line],
    });
    expect(csv.split("\n")).toEqual([
      "month,network,asset,symbol,decimals,opening,gross,fees,refunds,adjustments,net,payouts,closing,paidCalls",
      "2026-11,eip155:8453,0xa,USDC,6,0,10000,250,0,0,9750,10000,-250,1",
      "",
    ]);
  });
});
