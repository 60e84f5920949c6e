import { beforeAll, describe, expect, it } from "vitest";

import type { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import { createMerchant } from "@/server/merchants/merchants";
import { createMetrics } from "@/server/observability/metrics";
import {
  callerFor,
  testDeps,
  testEnv,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { createAlertEvaluator, evaluateAlerts } from "./evaluate";

// Each rule against stored access-log rows on a real database: data that must fire it and data
// that must not, one open alert per condition however often it fires, automatic resolution when
// the condition clears (with the merchant's webhooks queued in the same transaction), thresholds
// edited by the platform and by the merchant, and a merchant that sees only its own alerts.

const database = useTestDatabase();
const env = testEnv();
const T0 = new Date("2030-01-01T12:00:00Z");
let clock = T0;
const deps = () => testDeps(database.db, { env, now: () => clock });

let owner: SessionUser;
let other: SessionUser;
let admin: SessionUser;
const m: Record<"risky" | "calm" | "busy" | "trend" | "steady" | "foreign", string> = {
  risky: "",
  calm: "",
  busy: "",
  trend: "",
  steady: "",
  foreign: "",
};

type Row = Partial<Prisma.UsageRecordCreateManyInput> & { minutesAgo: number };

/** Access-log rows as the gateway writes them (CHARGED ones carry an amount). */
async function seed(merchantId: string, count: number, row: Row): Promise<void> {
  const { minutesAgo, ...fields } = row;
  await database.db.usageRecord.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      id: createId("usage"),
      merchantId,
      requestId: createId("request"),
      status: "FREE" as const,
      method: "GET",
      path: "/api/x",
      httpStatus: 200,
      latencyMs: 5,
      ...fields,
      // spread within the minute so buckets are filled as real traffic would
      createdAt: new Date(T0.getTime() - minutesAgo * 60_000 - (i % 50) * 1000),
    })),
  });
}

async function alertsOf(merchantId: string) {
  return database.db.alert.findMany({ where: { merchantId }, orderBy: { openedAt: "asc" } });
}

beforeAll(async () => {
  const d = deps();
  const user = (name: string) =>
    signUpWithPassword(d, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [owner, other, admin] = await Promise.all([user("owner"), user("other"), user("admin")]);
  await database.db.user.update({ where: { id: admin.id }, data: { role: "PLATFORM_ADMIN" } });
  admin = { ...admin, role: "PLATFORM_ADMIN" };
  const input = {
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  for (const key of ["risky", "calm", "busy", "trend", "steady"] as const)
    m[key] = (await callerFor(d, owner).merchants.create(input)).id;
  m.foreign = (
    await createMerchant(d, {
      userId: other.id,
      actor: { userId: other.id, role: "OWNER" },
      input: { ...input, settlementMode: "DIRECT" },
    })
  ).id;
  await callerFor(d, owner).webhooks.create({
    merchantId: m.risky,
    url: "https://hooks.example.com/risk",
    events: ["alert.opened", "alert.resolved"],
  });

  // risky: 30 payment attempts in the window, 20 refused — 12 of them one payer's replays; one IP
  // never seen before making 400 calls
  await seed(m.risky, 10, {
    status: "CHARGED",
    payer: "0xgood",
    amountAtomic: "10000",
    minutesAgo: 2,
  });
  await seed(m.risky, 12, {
    status: "REJECTED",
    reason: "payment_replayed",
    httpStatus: 402,
    payer: "0xbad",
    minutesAgo: 3,
  });
  await seed(m.risky, 8, {
    status: "REJECTED",
    reason: "invalid_exact_evm_signature",
    httpStatus: 402,
    payer: "0xother",
    minutesAgo: 4,
  });
  await seed(m.risky, 400, { clientIp: "203.0.113.9", minutesAgo: 5 });
  // calm: refusals as a share nobody worries about, 402s that are not failures, a payer with a few
  // mistakes; busy: an IP at its usual rate (320 every 15 minutes all day)
  await seed(m.calm, 95, {
    status: "CHARGED",
    payer: "0xgood",
    amountAtomic: "10000",
    minutesAgo: 2,
  });
  await seed(m.calm, 5, {
    status: "REJECTED",
    reason: "invalid_exact_evm_signature",
    httpStatus: 402,
    payer: "0xslip",
    minutesAgo: 3,
  });
  await seed(m.calm, 200, {
    status: "REJECTED",
    reason: "payment_required",
    httpStatus: 402,
    minutesAgo: 3,
  });
  for (let w = 0; w <= 96; w++)
    await seed(m.busy, w === 0 ? 330 : 320, { clientIp: "198.51.100.7", minutesAgo: w * 15 + 1 });
  // trend: 30 calls every 15 minutes for a day, then 150 in the last window; steady: the same day
  // and an ordinary last window
  for (const [merchantId, last] of [
    [m.trend, 150],
    [m.steady, 33],
  ] as const) {
    for (let w = 1; w <= 96; w++) await seed(merchantId, 30, { minutesAgo: w * 15 + 1 });
    await seed(merchantId, last, { minutesAgo: 1 });
  }
  // another owner's merchant with its own failing payer
  await seed(m.foreign, 25, {
    status: "REJECTED",
    reason: "payment_replayed",
    httpStatus: 402,
    payer: "0xforeign",
    minutesAgo: 2,
  });
  // ~300 batches on the embedded database: over a minute when the machine is loaded
}, 180_000);

describe("alert rules on stored usage", () => {
  it("opens each rule's alert for the data that must fire it and none for the data that must not", async () => {
    const run = await evaluateAlerts(deps(), { previousRpc: null });
    expect(run.evaluated).not.toContain("chain_rpc_failure_rate");
    const keys = (await database.db.alert.findMany({ where: { status: "OPEN" } }))
      .map((a) => a.dedupeKey)
      .sort();
    expect(keys).toEqual(
      [
        `verification_failure_rate:${m.risky}`,
        `abnormal_payments:${m.risky}:0xbad`,
        `high_frequency_ip:${m.risky}:203.0.113.9`,
        `trend_break:${m.trend}:calls`,
        `abnormal_payments:${m.foreign}:0xforeign`,
        `verification_failure_rate:${m.foreign}`,
      ].sort(),
    );
    expect(await alertsOf(m.calm)).toEqual([]);
    expect(await alertsOf(m.busy)).toEqual([]);
    expect(await alertsOf(m.steady)).toEqual([]);
    const verification = (await alertsOf(m.risky)).find(
      (a) => a.rule === "verification_failure_rate",
    );
    expect(verification?.details).toMatchObject({ attempts: 30, failures: 20 });
    // the merchant's webhooks hear of each alert about it, queued with the alert
    const queued = await database.db.webhookDelivery.findMany({
      where: { merchantId: m.risky, eventType: "alert.opened" },
    });
    expect(queued).toHaveLength(3);
  });

  it("does not duplicate an alert while it stays open: the next run refreshes it", async () => {
    clock = new Date(T0.getTime() + 30_000);
    const run = await evaluateAlerts(deps(), { previousRpc: null });
    expect(run).toMatchObject({ opened: 0, refreshed: 6, resolved: 0 });
    const risky = await alertsOf(m.risky);
    expect(risky).toHaveLength(3);
    expect(risky.every((a) => a.lastSeenAt.getTime() === clock.getTime())).toBe(true);
    expect(
      await database.db.webhookDelivery.count({
        where: { merchantId: m.risky, eventType: "alert.opened" },
      }),
    ).toBe(3);
  });

  it("resolves alerts on its own when the condition clears, and announces it", async () => {
    // two days on, neither the window nor the baseline day holds the traffic that fired them
    clock = new Date(T0.getTime() + 48 * 3600_000);
    const run = await evaluateAlerts(deps(), { previousRpc: null });
    expect(run.resolved).toBe(6);
    expect(await database.db.alert.count({ where: { status: "OPEN" } })).toBe(0);
    const resolved = await alertsOf(m.risky);
    expect(
      resolved.every(
        (a) =>
          a.status === "RESOLVED" &&
          a.openKey === null &&
          a.resolvedAt?.getTime() === clock.getTime(),
      ),
    ).toBe(true);
    expect(
      await database.db.webhookDelivery.count({
        where: { merchantId: m.risky, eventType: "alert.resolved" },
      }),
    ).toBe(3);
    // the same condition coming back is a new alert, not the old one reopened
    clock = T0;
    await evaluateAlerts(deps(), { previousRpc: null });
    expect(
      await database.db.alert.count({ where: { merchantId: m.risky, rule: "abnormal_payments" } }),
    ).toBe(2);
    clock = new Date(T0.getTime() + 48 * 3600_000);
    await evaluateAlerts(deps(), { previousRpc: null });
  });

  it("fires the chain RPC rule from the metrics' counters and resolves it when calls succeed again", async () => {
    const metrics = createMetrics();
    const evaluator = createAlertEvaluator({ ...deps(), rpcTotals: () => metrics.rpcTotals() });
    const calls = (n: number, failing: number) => {
      for (let i = 0; i < n; i++)
        metrics.rpcCall({
          network: "eip155:8453",
          method: "eth_call",
          ok: i >= failing,
          seconds: 0.01,
        });
    };
    calls(100, 0);
    expect((await evaluator.run()).evaluated).not.toContain("chain_rpc_failure_rate");
    calls(50, 5); // 10 %: under the 20 % default
    await evaluator.run();
    expect(await database.db.alert.count({ where: { rule: "chain_rpc_failure_rate" } })).toBe(0);
    calls(50, 30);
    await evaluator.run();
    const open = await database.db.alert.findFirstOrThrow({
      where: { rule: "chain_rpc_failure_rate", status: "OPEN" },
    });
    expect(open).toMatchObject({
      merchantId: null,
      dedupeKey: "chain_rpc_failure_rate:eip155:8453",
      severity: "CRITICAL",
    });
    calls(50, 0);
    await evaluator.run();
    expect(
      await database.db.alert.count({ where: { rule: "chain_rpc_failure_rate", status: "OPEN" } }),
    ).toBe(0);
  });
});

describe("thresholds and who sees what", () => {
  it("applies a merchant's own thresholds over the platform's, and the platform's over the defaults", async () => {
    clock = T0;
    const asOwner = callerFor(deps(), owner);
    // calm's 5 % refusals fire once calm asks for 4 %
    const view = await asOwner.alerts.updateThresholds({
      merchantId: m.calm,
      verificationFailureRate: 0.04,
      verificationMinAttempts: 50,
    });
    expect(view.effective).toMatchObject({
      verificationFailureRate: 0.04,
      verificationMinAttempts: 50,
      payerFailedPayments: 10,
    });
    // the platform lowers the payer rule for everyone: calm's payer with 5 slips now fires too
    await callerFor(deps(), admin).admin.alerts.updateThresholds({ payerFailedPayments: 5 });
    await evaluateAlerts(deps(), { previousRpc: null });
    expect(
      (await alertsOf(m.calm))
        .filter((a) => a.status === "OPEN")
        .map((a) => a.dedupeKey)
        .sort(),
    ).toEqual([`abnormal_payments:${m.calm}:0xslip`, `verification_failure_rate:${m.calm}`]);
    // null hands a value back to the platform's
    const back = await asOwner.alerts.updateThresholds({
      merchantId: m.calm,
      verificationFailureRate: null,
    });
    expect(back.own).toEqual({ verificationMinAttempts: 50 });
    expect(back.effective.verificationFailureRate).toBe(0.25);
    await callerFor(deps(), admin).admin.alerts.updateThresholds({ payerFailedPayments: 10 });
    await evaluateAlerts(deps(), { previousRpc: null });
    expect((await alertsOf(m.calm)).filter((a) => a.status === "OPEN")).toEqual([]);
    expect(
      await database.db.auditLog.count({ where: { action: "alerts.thresholds.update" } }),
    ).toBe(4);
  });

  it("shows a merchant only its own alerts; the platform's risk page shows all", async () => {
    clock = T0;
    await evaluateAlerts(deps(), { previousRpc: null });
    const mine = await callerFor(deps(), owner).alerts.list({ merchantId: m.risky });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a.merchantId === m.risky)).toBe(true);
    expect(
      await trpcErrorCode(callerFor(deps(), owner).alerts.list({ merchantId: m.foreign })),
    ).toBe("NOT_FOUND");
    const theirs = await callerFor(deps(), other).alerts.list({
      merchantId: m.foreign,
      status: "OPEN",
    });
    expect(theirs.map((a) => a.dedupeKey).sort()).toEqual([
      `abnormal_payments:${m.foreign}:0xforeign`,
      `verification_failure_rate:${m.foreign}`,
    ]);
    expect(await trpcErrorCode(callerFor(deps(), owner).admin.alerts.list({}))).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(deps(), owner).admin.alerts.updateThresholds({ windowMinutes: 5 }),
      ),
    ).toBe("FORBIDDEN");
    const all = await callerFor(deps(), admin).admin.alerts.list({ status: "OPEN" });
    expect(new Set(all.map((a) => a.merchantId))).toEqual(new Set([m.risky, m.trend, m.foreign]));
  });
});
