import { beforeAll, describe, expect, it } from "vitest";

import { createId } from "@/server/db/ids";
import { callerFor, testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// The dashboard's numbers against a known set of usage records.

const database = useTestDatabase();
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const env = testEnv({ LOCAL_TOKEN_ADDRESS: TOKEN, LOCAL_CHAIN_ID: "31337" });
const NOW = new Date("2026-11-26T15:00:00Z");
let owner: SessionUser;
let merchantId: string;

beforeAll(async () => {
  const deps = testDeps(database.db, { env });
  owner = await signUpWithPassword(deps, {
    name: "Dash",
    email: uniqueEmail("dash"),
    password: "correct horse battery",
  });
  merchantId = (
    await callerFor(deps, owner).merchants.create({
      name: "Dash Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
  await callerFor(deps, owner).pricingRules.create({
    merchantId,
    data: {
      pathPattern: "/api/*",
      method: "GET",
      price: "0.01",
      network: "eip155:31337",
      asset: TOKEN,
    },
  });
  const row = (
    at: string,
    status: "CHARGED" | "FREE" | "FAILED" | "REJECTED",
    latency: number | null,
    amount?: bigint,
  ) => ({
    id: createId("usage"),
    merchantId,
    requestId: createId("request"),
    status,
    method: "GET",
    path: "/api/x",
    httpStatus: status === "FAILED" ? 502 : status === "REJECTED" ? 402 : 200,
    latencyMs: 5,
    upstreamLatencyMs: latency,
    amountAtomic: amount === undefined ? null : amount.toString(),
    createdAt: new Date(at),
  });
  await database.db.usageRecord.createMany({
    data: [
      // today: 4 paid (10, 20, 30, 40 ms), 1 failed, 1 free (5 ms), 2 refused (402s): p95 of 5..40 = 38
      row("2026-11-26T01:00:00Z", "CHARGED", 10, 10_000n),
      row("2026-11-26T02:00:00Z", "CHARGED", 20, 10_000n),
      row("2026-11-26T03:00:00Z", "CHARGED", 30, 10_000n),
      row("2026-11-26T04:00:00Z", "CHARGED", 40, 20_000n),
      row("2026-11-26T05:00:00Z", "FAILED", null),
      row("2026-11-26T06:00:00Z", "FREE", 5),
      row("2026-11-26T07:00:00Z", "REJECTED", null),
      row("2026-11-26T08:00:00Z", "REJECTED", null),
      // yesterday: 1 paid
      row("2026-11-25T23:59:59Z", "CHARGED", 50, 10_000n),
      // 40 days ago: outside the chart
      row("2026-10-17T12:00:00Z", "CHARGED", 50, 10_000n),
    ].map((r) => ({ ...r, amountAtomic: r.amountAtomic === null ? null : r.amountAtomic })),
  });
});

describe("the dashboard", () => {
  it("reports today against yesterday and 30 days of calls and revenue from the usage records", async () => {
    const dash = await callerFor(
      testDeps(database.db, { env, now: () => NOW }),
      owner,
    ).dashboard.get({ merchantId });
    expect(dash.asset).toEqual({ symbol: "USDC", decimals: 6 });
    expect(dash.today).toMatchObject({
      calls: 8,
      paidCalls: 4,
      failedCalls: 1,
      revenueAtomic: 50_000n,
      failureRate: 1 / 8,
      p50LatencyMs: 20,
      p95LatencyMs: 38,
    });
    expect(dash.yesterday).toMatchObject({
      calls: 1,
      paidCalls: 1,
      revenueAtomic: 10_000n,
      p50LatencyMs: 50,
    });
    expect(dash.days).toHaveLength(30);
    expect(dash.days.at(-1)).toEqual({
      day: "2026-11-26",
      calls: 8,
      paidCalls: 4,
      revenueAtomic: "50000",
    });
    expect(dash.days.at(-2)).toEqual({
      day: "2026-11-25",
      calls: 1,
      paidCalls: 1,
      revenueAtomic: "10000",
    });
    expect(dash.days.reduce((n, d) => n + d.calls, 0)).toBe(9);
  });
});
