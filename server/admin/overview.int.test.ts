import { beforeAll, describe, expect, it } from "vitest";

import { createId } from "@/server/db/ids";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import {
  callerFor,
  merchantOwner,
  platformAdmin,
  testDeps,
  testEnv,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// The admin's aggregates (overview, merchant list metrics, payments across merchants, errors)
// against a known set of usage records, payments and ledger entries on a real database.

const database = useTestDatabase();
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const NETWORK = "eip155:31337";
const env = testEnv({ LOCAL_TOKEN_ADDRESS: TOKEN, LOCAL_CHAIN_ID: "31337" });
const NOW = new Date();
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const P1 = "0x1111111111111111111111111111111111111111";
const P2 = "0x2222222222222222222222222222222222222222";
const P3 = "0x3333333333333333333333333333333333333333";
let admin: SessionUser;
let a: { id: string; ruleId: string };
let b: { id: string; ruleId: string };

const asAdmin = () => callerFor(testDeps(database.db, { env, now: () => NOW }), admin).admin;

beforeAll(async () => {
  const deps = testDeps(database.db, { env });
  admin = await platformAdmin(database.db);
  const merchant = async (name: string, pattern: string) => {
    const owner = await signUpWithPassword(deps, {
      name,
      email: uniqueEmail(name),
      password: "correct horse battery",
    });
    const caller = callerFor(deps, owner);
    const id = (
      await caller.merchants.create({
        name,
        upstreamBaseUrl: "https://api.example.com",
        payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      })
    ).id;
    const rule = await caller.pricingRules.create({
      merchantId: id,
      data: { pathPattern: pattern, method: "GET", price: "0.01", network: NETWORK, asset: TOKEN },
    });
    return { id, ruleId: rule.id };
  };
  a = await merchant("Alpha Signals", "/api/*");
  b = await merchant("Beta Weather", "/v1/*");
  type Status = "CHARGED" | "FREE" | "FAILED" | "REJECTED";
  const usage = (
    m: { id: string; ruleId: string },
    at: Date,
    status: Status,
    opts: { amount?: bigint; payer?: string; reason?: string; priced?: boolean } = {},
  ) => ({
    id: createId("usage"),
    merchantId: m.id,
    ruleId: opts.priced === false ? null : m.ruleId,
    requestId: createId("request"),
    status,
    reason: opts.reason ?? null,
    method: "GET",
    path: "/api/x",
    httpStatus: status === "FAILED" ? 502 : status === "REJECTED" ? 402 : 200,
    latencyMs: 5,
    payer: opts.payer ?? null,
    amountAtomic: opts.amount === undefined ? null : opts.amount.toString(),
    createdAt: at,
  });
  await database.db.usageRecord.createMany({
    data: [
      usage(a, ago(2 * HOUR), "CHARGED", { amount: 10_000n, payer: P1 }),
      usage(a, ago(2 * HOUR), "CHARGED", { amount: 20_000n, payer: P1 }),
      usage(a, ago(3 * 24 * HOUR), "CHARGED", { amount: 10_000n, payer: P2 }),
      usage(a, ago(HOUR), "FAILED", { reason: "upstream_error" }),
      usage(a, ago(HOUR), "REJECTED", { reason: "payment_required" }),
      usage(a, ago(HOUR), "REJECTED", { reason: "invalid_exact_evm_signature" }),
      usage(b, ago(HOUR), "CHARGED", { amount: 50_000n, payer: P3 }),
      usage(b, ago(HOUR), "FREE", { priced: false }),
      // outside every window
      usage(a, ago(40 * 24 * HOUR), "CHARGED", { amount: 99_000n, payer: P2 }),
    ],
  });
  const ledger = (
    merchantId: string,
    type: "CHARGE" | "PLATFORM_FEE",
    amount: bigint,
    at: Date,
  ) => ({
    id: createId("ledgerEntry"),
    merchantId,
    type,
    amountAtomic: amount.toString(),
    network: NETWORK,
    asset: TOKEN,
    createdAt: at,
  });
  await database.db.ledgerEntry.createMany({
    data: [
      ledger(a.id, "CHARGE", 40_000n, ago(2 * HOUR)),
      ledger(a.id, "PLATFORM_FEE", -1_000n, ago(2 * HOUR)),
      ledger(b.id, "CHARGE", 50_000n, ago(HOUR)),
      ledger(b.id, "PLATFORM_FEE", -1_250n, ago(HOUR)),
      ledger(a.id, "CHARGE", 99_000n, ago(40 * 24 * HOUR)),
    ],
  });
  const payment = (
    merchantId: string,
    payer: string,
    status: "SETTLED" | "FAILED",
    errorReason: string | null,
    at: Date,
  ) => ({
    id: createId("payment"),
    merchantId,
    status,
    x402Version: 2,
    scheme: "exact",
    network: NETWORK,
    asset: TOKEN,
    payer,
    ...sealedPaymentColumns({ payTo: "0x2", payloadEncoded: "x" }, env),
    amountAtomic: "10000",
    requiredAmountAtomic: "10000",
    authorizationNonce: createId("request"),
    validAfter: at,
    validBefore: at,
    facilitator: "LOCAL" as const,
    resource: "https://gw/x",
    requestId: createId("request"),
    errorReason,
    createdAt: at,
  });
  await database.db.payment.createMany({
    data: [
      payment(a.id, P1, "SETTLED", null, ago(2 * HOUR)),
      payment(a.id, P2, "FAILED", "invalid_exact_evm_transaction_failed", ago(HOUR + 1_000)),
      payment(b.id, P3, "SETTLED", null, ago(HOUR)),
    ],
  });
});

describe("the platform overview", () => {
  it("sums the week: calls, paid calls, revenue, fee income, payers, ARPU, failure rate, top merchants and endpoints", async () => {
    const o = await asAdmin().overview.get({ period: "week" });
    expect(o).toMatchObject({
      calls: 8,
      paidCalls: 4,
      errors: 2,
      revenueAtomic: 90_000n,
      distinctPayers: 3,
      arpuAtomic: 30_000n,
      feeIncomeAtomic: 2_250n,
      merchantsWithTraffic: 2,
      activeMerchants: 2,
      failureRate: 2 / 8,
      bucket: "day",
    });
    expect(o.series).toHaveLength(7);
    expect(o.series.reduce((n, p) => n + p.calls, 0)).toBe(8);
    expect(o.topMerchants.map((m) => [m.name, m.revenueAtomic, m.calls])).toEqual([
      ["Beta Weather", 50_000n, 2],
      ["Alpha Signals", 40_000n, 6],
    ]);
    expect(
      o.topEndpoints.map((e) => [e.merchantName, e.pathPattern, e.revenueAtomic, e.calls]),
    ).toEqual([
      ["Beta Weather", "/v1/*", 50_000n, 1],
      ["Alpha Signals", "/api/*", 40_000n, 6],
    ]);
  });

  it("narrows to the last 24 hours in hourly buckets for a day", async () => {
    const o = await asAdmin().overview.get({ period: "day" });
    expect(o).toMatchObject({
      calls: 7,
      paidCalls: 3,
      revenueAtomic: 80_000n,
      distinctPayers: 2,
      arpuAtomic: 40_000n,
      bucket: "hour",
    });
    expect(o.series).toHaveLength(24);
    expect(o.series.reduce((n, p) => n + BigInt(p.feesAtomic), 0n)).toBe(2_250n);
  });
});

describe("the merchant list's metrics", () => {
  it("computes revenue (settled charges) and error rate over 30 days and filters on them", async () => {
    const { items } = await asAdmin().merchants.list({});
    expect(items.map((m) => [m.name, m.calls, m.errors, m.revenueAtomic])).toEqual([
      ["Beta Weather", 2, 0, 50_000n],
      ["Alpha Signals", 6, 2, 40_000n],
    ]);
    expect(items[1]?.errorRate).toBeCloseTo(2 / 6);
    const names = async (input: Parameters<ReturnType<typeof asAdmin>["merchants"]["list"]>[0]) =>
      (await asAdmin().merchants.list(input)).items.map((m) => m.name);
    expect(await names({ minRevenueAtomic: 45_000n })).toEqual(["Beta Weather"]);
    expect(await names({ minErrorRate: 0.3 })).toEqual(["Alpha Signals"]);
    expect(await names({ search: "alpha" })).toEqual(["Alpha Signals"]);
    expect(await names({ search: b.id })).toEqual(["Beta Weather"]);
    expect(await names({ status: "DISABLED" })).toEqual([]);
    expect(await names({ createdFrom: new Date(Date.now() + HOUR) })).toEqual([]);
    expect(await names({ createdTo: new Date(Date.now() + HOUR), limit: 1 })).toEqual([
      "Beta Weather",
    ]);
    const first = await asAdmin().merchants.list({ limit: 1 });
    expect(
      (
        await asAdmin().merchants.list({ limit: 1, cursor: first.nextCursor ?? undefined })
      ).items.map((m) => m.name),
    ).toEqual(["Alpha Signals"]);
  });

  it("shows one merchant in detail with members, rules, keys, payments, failure reasons and alerts", async () => {
    await database.db.alert.create({
      data: {
        id: createId("alert"),
        merchantId: a.id,
        rule: "error_rate",
        severity: "WARNING",
        dedupeKey: `error_rate:${a.id}`,
        openKey: `error_rate:${a.id}`,
        title: "Error rate above 20 %",
        details: {},
      },
    });
    const d = await asAdmin().merchants.get({ merchantId: a.id });
    expect(d).toMatchObject({
      name: "Alpha Signals",
      status: "ACTIVE",
      metrics: { calls: 6, paidCalls: 3, errors: 2, revenueAtomic: 40_000n },
    });
    expect(d.members.map((m) => m.role)).toEqual(["OWNER"]);
    expect(d.pricingRules.map((r) => [r.pathPattern, r.price, r.assetSymbol])).toEqual([
      ["/api/*", "0.01", "USDC"],
    ]);
    expect(d.recentPayments.map((p) => p.payer)).toEqual([P2, P1]);
    expect(d.failureReasons.map((f) => [f.stage, f.reason, f.count]).sort()).toEqual([
      ["upstream", "upstream_error", 1],
      ["verification", "invalid_exact_evm_signature", 1],
    ]);
    expect(d.alerts.map((x) => x.title)).toEqual(["Error rate above 20 %"]);
  });
});

describe("payments across merchants", () => {
  it("lists every merchant's payments, filtered by merchant and by payer", async () => {
    const all = await asAdmin().payments.list({});
    expect(all.items.map((p) => [p.merchantName, p.payer])).toEqual([
      ["Beta Weather", P3],
      ["Alpha Signals", P2],
      ["Alpha Signals", P1],
    ]);
    expect((await asAdmin().payments.list({ merchantId: a.id })).items.map((p) => p.payer)).toEqual(
      [P2, P1],
    );
    expect(
      (await asAdmin().payments.list({ payer: P3.toUpperCase().replace("0X", "0x") })).items.map(
        (p) => p.merchantId,
      ),
    ).toEqual([b.id]);
    expect(
      (await asAdmin().payments.list({ status: "FAILED" })).items.map((p) => p.errorReason),
    ).toEqual(["invalid_exact_evm_transaction_failed"]);
    const page = await asAdmin().payments.list({ limit: 2 });
    expect(
      (await asAdmin().payments.list({ limit: 2, cursor: page.nextCursor ?? undefined })).items,
    ).toHaveLength(1);
    const detail = await asAdmin().payments.get({ id: all.items[0]!.id });
    expect(detail).toMatchObject({
      merchantName: all.items[0]!.merchantName,
      payer: all.items[0]!.payer,
    });
  });
});

describe("the errors page", () => {
  it("groups failed verifications, settlements and upstream calls by stage, reason and merchant, per day", async () => {
    // a payment that verified and then failed to settle: its refusal belongs to the settlement stage
    const failed = await database.db.payment.findFirstOrThrow({
      where: { merchantId: a.id, status: "FAILED" },
    });
    await database.db.payment.update({
      where: { id: failed.id },
      data: { verifiedAt: ago(HOUR + 1_000) },
    });
    await database.db.usageRecord.create({
      data: {
        id: createId("usage"),
        merchantId: a.id,
        ruleId: a.ruleId,
        paymentId: failed.id,
        requestId: createId("request"),
        status: "REJECTED",
        reason: "invalid_exact_evm_transaction_failed",
        method: "GET",
        path: "/api/x",
        httpStatus: 402,
        latencyMs: 5,
        createdAt: ago(HOUR),
      },
    });
    const r = await asAdmin().errors.report({ days: 7 });
    expect(r.groups.map((g) => [g.stage, g.reason, g.merchantName, g.count]).sort()).toEqual([
      ["settlement", "invalid_exact_evm_transaction_failed", "Alpha Signals", 1],
      ["upstream", "upstream_error", "Alpha Signals", 1],
      ["verification", "invalid_exact_evm_signature", "Alpha Signals", 1],
    ]);
    expect(r.series).toHaveLength(7);
    expect(r.series.reduce((n, d) => n + d.verification + d.upstream + d.settlement, 0)).toBe(3);
    expect(r.series.reduce((n, d) => n + d.settlement, 0)).toBe(1);
    expect(r.failedPayments.map((p) => [p.reason, p.merchantName, p.count])).toEqual([
      ["invalid_exact_evm_transaction_failed", "Alpha Signals", 1],
    ]);
    expect((await asAdmin().errors.report({ days: 7, merchantId: b.id })).groups).toEqual([]);
  });
});

describe("a merchant's revenue by day, week and month (the overview's queries, scoped)", () => {
  const revenue = async (merchantId: string, period: "day" | "week" | "month") =>
    callerFor(
      testDeps(database.db, { env, now: () => NOW }),
      await merchantOwner(database.db, merchantId),
    ).dashboard.revenue({ merchantId, period });

  it("counts only the merchant's own calls, fees and payers, with net, platform share and ARPU", async () => {
    const callsIn = (merchantId: string, w: { from: Date; to: Date }) =>
      database.db.usageRecord.count({
        where: { merchantId, createdAt: { gte: w.from, lt: w.to } },
      });
    const week = await revenue(a.id, "week");
    expect(week.calls).toBe(await callsIn(a.id, week));
    expect(week).toMatchObject({
      bucket: "day",
      paidCalls: 3,
      revenueAtomic: 40_000n,
      feesAtomic: 1_000n,
      netAtomic: 39_000n,
      distinctPayers: 2,
      platformShare: 0.025,
      arpuAtomic: 20_000n,
    });
    expect(week.series).toHaveLength(7);
    expect(week.series.reduce((sum, p) => sum + BigInt(p.revenueAtomic), 0n)).toBe(40_000n);
    const day = await revenue(a.id, "day");
    expect(day).toMatchObject({
      bucket: "hour",
      paidCalls: 2,
      revenueAtomic: 30_000n,
      distinctPayers: 1,
      arpuAtomic: 30_000n,
      platformShare: 0.033333,
    });
    expect(day.series).toHaveLength(24);
    const month = await revenue(b.id, "month");
    expect(month.calls).toBe(await callsIn(b.id, month));
    expect(month).toMatchObject({
      paidCalls: 1,
      revenueAtomic: 50_000n,
      feesAtomic: 1_250n,
      distinctPayers: 1,
      platformShare: 0.025,
    });
  });

  it("adds up to the platform overview across merchants", async () => {
    const platform = await asAdmin().overview.get({ period: "month" });
    const [ra, rb] = await Promise.all([revenue(a.id, "month"), revenue(b.id, "month")]);
    expect(ra.revenueAtomic + rb.revenueAtomic).toBe(platform.revenueAtomic);
    expect(ra.feesAtomic + rb.feesAtomic).toBe(platform.feeIncomeAtomic);
    expect(ra.calls + rb.calls).toBe(platform.calls);
  });

  it("is NOT_FOUND for another merchant's owner", async () => {
    const ownerB = await merchantOwner(database.db, b.id);
    expect(
      await trpcErrorCode(
        callerFor(testDeps(database.db, { env, now: () => NOW }), ownerB).dashboard.revenue({
          merchantId: a.id,
          period: "week",
        }),
      ),
    ).toBe("NOT_FOUND");
  });
});
