import { beforeAll, describe, expect, it } from "vitest";

import { createId } from "@/server/db/ids";
import { testDeps, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword } from "@/server/users/users";
import { createMerchant } from "@/server/merchants/merchants";

import {
  overviewFeeIncome,
  overviewSeries,
  overviewTopMerchants,
  overviewTotals,
  overviewWindow,
} from "./overview";
import { closedThrough, ensureDailyRollups, rollupCut } from "./rollups";

// The rollups are an optimisation only: every aggregate must come out the same read through the
// rollups as read from the raw rows, and a row written late for a rolled-up day must still count.

const database = useTestDatabase();
const DAY = 86_400_000;
const NOW = new Date("2030-06-15T12:00:00Z");
let merchantId: string;

function usage(
  at: Date,
  status: "CHARGED" | "FAILED" | "FREE",
  payer: string | null,
  amount: bigint | null,
) {
  return {
    id: createId("usage"),
    merchantId,
    requestId: createId("request"),
    status,
    method: "GET",
    path: "/x",
    httpStatus: 200,
    latencyMs: 1,
    payer,
    amountAtomic: amount?.toString() ?? null,
    reason: status === "FAILED" ? "upstream_error" : null,
    createdAt: at,
  };
}

beforeAll(async () => {
  const deps = testDeps(database.db);
  const owner = await signUpWithPassword(deps, {
    name: "Owner",
    email: uniqueEmail("owner"),
    password: "correct horse battery",
  });
  merchantId = (
    await createMerchant(deps, {
      userId: owner.id,
      actor: { userId: owner.id, role: "OWNER" },
      input: {
        name: "Rolled",
        upstreamBaseUrl: "https://api.example.com",
        payoutAddress: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        settlementMode: "DIRECT",
      },
    })
  ).id;
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const at = new Date(NOW.getTime() - d * DAY - 3_600_000);
    rows.push(
      usage(at, "CHARGED", `0xpayer${d % 3}`, 1_000n * BigInt(d + 1)),
      usage(at, "FAILED", null, null),
      usage(at, "FREE", null, null),
    );
  }
  await database.db.usageRecord.createMany({ data: rows });
  await database.db.ledgerEntry.createMany({
    data: Array.from({ length: 10 }, (_, d) => ({
      id: createId("ledgerEntry"),
      merchantId,
      type: "PLATFORM_FEE" as const,
      amountAtomic: (-10 * (d + 1)).toString(),
      network: "eip155:31337",
      asset: "0x1",
      createdAt: new Date(NOW.getTime() - d * DAY - 3_600_000),
    })),
  });
});

async function aggregates(now: Date, through: Date | null) {
  const deps = { db: database.db, now: () => now };
  const w = overviewWindow(now, "week");
  const cut = rollupCut(w, through);
  return {
    totals: await overviewTotals(deps, w, cut),
    fees: await overviewFeeIncome(deps, w, cut),
    series: await overviewSeries(deps, w, cut),
    top: await overviewTopMerchants(deps, w, cut),
  };
}

describe("daily rollups", () => {
  it("rolls up closed days only and gives the same numbers as the raw rows", async () => {
    const raw = await aggregates(NOW, null);
    const through = await ensureDailyRollups({ db: database.db, now: () => NOW });
    expect(through).toEqual(closedThrough(NOW));
    expect(through).toEqual(new Date("2030-06-15T00:00:00Z"));
    expect(await database.db.usageDailyRollup.count()).toBeGreaterThan(0);
    expect(await database.db.usageDailyRollup.count({ where: { day: { gte: through! } } })).toBe(0);
    expect(await aggregates(NOW, through)).toEqual(raw);
    expect(raw.totals).toMatchObject({ calls: 21, paidCalls: 7, errors: 7, distinctPayers: 3 });
  });

  it("is a no-op until another day closes, then also re-rolls the last rolled day for late rows", async () => {
    const later = new Date(NOW.getTime() + DAY);
    // a row for yesterday that the batched access log wrote after the rollup ran
    await database.db.usageRecord.create({
      data: usage(new Date(NOW.getTime() - DAY + 60_000), "CHARGED", "0xlate", 5_000n),
    });
    expect(await ensureDailyRollups({ db: database.db, now: () => NOW })).toEqual(
      new Date("2030-06-15T00:00:00Z"),
    );
    const through = await ensureDailyRollups({ db: database.db, now: () => later });
    expect(through).toEqual(new Date("2030-06-16T00:00:00Z"));
    const raw = await aggregates(later, null);
    expect(await aggregates(later, through)).toEqual(raw);
    expect(raw.totals.distinctPayers).toBe(4);
  });
});
