import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { feeVersionInForce, platformFeeFor } from "@/server/billing/fee-templates";
import type { PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { callerFor, testDeps, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword } from "@/server/users/users";

import {
  markPaymentVerified,
  recordSettlement,
  reservePayment,
  type ReservationInput,
} from "./ledger";

// The ledger's hot statements are SQL of our own (one round trip each while a settlement's
// transaction holds its connection): these tests hold them to what the Prisma versions did: the fee
// version feeVersionInForce names, DIRECT payouts, webhook subscriptions, which unique key a clashing
// reservation hit, and times stored as UTC whatever the session's time zone.

const database = useTestDatabase();
const TOKEN = "0x036cbd53842c5426634e7929541ec2318f3dcf7e";
const PAYOUT = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const TREASURY = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const T0 = new Date("2031-03-01T12:00:00.000Z");
const HOUR = 3_600_000;

async function newMerchant(name: string): Promise<string> {
  const deps = testDeps(database.db);
  const owner = await signUpWithPassword(deps, {
    name: "Owner",
    email: uniqueEmail("ledger"),
    password: "correct horse battery",
  });
  return (
    await callerFor(deps, owner).merchants.create({
      name,
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: PAYOUT,
    })
  ).id;
}

function reservation(merchantId: string, over: Partial<ReservationInput> = {}): ReservationInput {
  return {
    merchantId,
    ruleId: null,
    x402Version: 2,
    scheme: "exact",
    network: "eip155:84532",
    asset: TOKEN,
    payer: `0x${randomBytes(20).toString("hex")}`,
    payTo: TREASURY,
    amountAtomic: 10_000n,
    requiredAmountAtomic: 10_000n,
    nonce: `0x${randomBytes(32).toString("hex")}`,
    validAfter: 0n,
    validBefore: 4_000_000_000n,
    payloadEncoded: "payload",
    facilitator: "LOCAL",
    settlementPolicy: "AFTER_SUCCESS",
    resource: "https://gw.example/m/api/x",
    requestId: createId("request"),
    ...over,
  };
}

async function reserved(db: PrismaClient, input: ReservationInput): Promise<string> {
  const r = await reservePayment(db, input, testDeps(db).env);
  if (!r.ok) throw new Error(r.reason);
  return r.paymentId;
}

async function settle(merchantId: string, paymentId: string, at: Date) {
  return recordSettlement(database.db, testDeps(database.db).env, {
    merchantId,
    paymentId,
    txHash: `0x${randomBytes(32).toString("hex")}`,
    blockNumber: 7n,
    at,
    usage: {
      requestId: createId("request"),
      method: "GET",
      path: "/api/x",
      httpStatus: 200,
      upstreamStatus: 200,
      latencyMs: 5,
      upstreamLatencyMs: 3,
      clientIp: "203.0.113.9",
    },
  });
}

async function entriesOf(merchantId: string, paymentId: string) {
  return database.db.ledgerEntry.findMany({
    where: { merchantId, paymentId },
    select: { type: true, amountAtomic: true, reason: true },
    orderBy: { type: "asc" },
  });
}

async function template(name: string, versions: { bps: number; fixed: bigint; from: Date }[]) {
  const t = await database.db.feeTemplate.create({ data: { id: createId("feeTemplate"), name } });
  for (const v of versions)
    await database.db.feeTemplateVersion.create({
      data: {
        id: createId("feeTemplateVersion"),
        templateId: t.id,
        bps: v.bps,
        fixedFeeAtomic: v.fixed.toString(),
        effectiveFrom: v.from,
      },
    });
  return t.id;
}

describe("recordSettlement", () => {
  it("books the fee of the version feeVersionInForce names at the settlement's moment", async () => {
    const merchantId = await newMerchant("Fees Inc");
    const feeAt = async (at: Date) => {
      const paymentId = await reserved(database.db, reservation(merchantId));
      expect(await settle(merchantId, paymentId, at)).toMatchObject({ recorded: true });
      const version = await feeVersionInForce(database.db, { merchantId, at });
      const fee = (await entriesOf(merchantId, paymentId)).find((e) => e.type === "PLATFORM_FEE");
      return { version, fee };
    };

    // no template at all: no fee
    expect(await feeAt(T0)).toEqual({ version: null, fee: undefined });

    const standard = await template("ledger-standard", [
      { bps: 100, fixed: 0n, from: new Date(T0.getTime() - HOUR) },
      { bps: 300, fixed: 7n, from: new Date(T0.getTime() + HOUR) },
    ]);
    await database.db.feeTemplate.update({ where: { id: standard }, data: { isDefault: true } });
    const own = await template("ledger-own", [
      { bps: 200, fixed: 0n, from: new Date(T0.getTime() + 2 * HOUR) },
    ]);
    await database.db.merchant.update({ where: { id: merchantId }, data: { feeTemplateId: own } });

    // the merchant's own template has no terms in force yet: the default's, first and second version
    for (const [at, bps] of [
      [T0, 100],
      [new Date(T0.getTime() + 1.5 * HOUR), 300],
      // then its own
      [new Date(T0.getTime() + 3 * HOUR), 200],
    ] as const) {
      const { version, fee } = await feeAt(at);
      expect(version?.bps).toBe(bps);
      expect(fee?.amountAtomic.toFixed()).toBe((-platformFeeFor(10_000n, version!)).toString());
      expect(fee?.reason).toContain(version!.versionId);
    }
  });

  it("books a payout when the payer paid the merchant's wallet, and announces only to subscribed, enabled endpoints", async () => {
    const merchantId = await newMerchant("Direct Inc");
    const endpoint = (events: string[], enabled = true) =>
      database.db.webhookEndpoint.create({
        data: {
          id: createId("webhookEndpoint"),
          merchantId,
          url: "https://hooks.example.com/x",
          secretCiphertext: "x",
          secretKeyId: "x",
          events,
          enabled,
        },
      });
    const settledOnly = await endpoint(["payment.settled"]);
    const both = await endpoint(["payment.settled", "usage.charged"]);
    await endpoint(["payment.settled", "usage.charged"], false);
    await endpoint(["payment.failed"]);

    const paymentId = await reserved(database.db, reservation(merchantId, { payTo: PAYOUT }));
    await settle(merchantId, paymentId, T0);
    // (the default fee template of the test above takes its fee too)
    const entries = await entriesOf(merchantId, paymentId);
    expect(
      entries
        .filter((e) => e.type !== "PLATFORM_FEE")
        .map((e) => [e.type, e.amountAtomic.toFixed()]),
    ).toEqual([
      ["CHARGE", "10000"],
      ["PAYOUT", "-10000"],
    ]);
    const deliveries = await database.db.webhookDelivery.findMany({
      where: { merchantId },
      select: { endpointId: true, eventType: true },
    });
    expect(deliveries.map((d) => `${d.endpointId}:${d.eventType}`).sort()).toEqual(
      [
        `${settledOnly.id}:payment.settled`,
        `${both.id}:payment.settled`,
        `${both.id}:usage.charged`,
      ].sort(),
    );
    // a second record changes nothing
    expect(await settle(merchantId, paymentId, T0)).toEqual({ recorded: false, entitlement: null });
    expect(await entriesOf(merchantId, paymentId)).toHaveLength(entries.length);
  });

  it("stores its times as UTC whatever the session's time zone", async () => {
    const merchantId = await newMerchant("Zones Inc");
    const verifiedAt = new Date("2031-03-01T23:30:00.123Z");
    const settledAt = new Date("2031-03-01T23:45:00.456Z");
    const before = Date.now();
    const stored = await database.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL TIME ZONE 'Asia/Tokyo'");
      // the ledger functions open their own transaction on a client that can: this one, seen
      // without $transaction, runs their statements in the session whose time zone was just set
      const db = new Proxy(tx, {
        has: (target, key) => key !== "$transaction" && key in target,
      }) as unknown as PrismaClient;
      const paymentId = await reserved(db, reservation(merchantId));
      await markPaymentVerified(db, { merchantId, paymentId, at: verifiedAt });
      await recordSettlement(db, testDeps(database.db).env, {
        merchantId,
        paymentId,
        txHash: `0x${randomBytes(32).toString("hex")}`,
        blockNumber: null,
        at: settledAt,
        usage: null,
      });
      return db.payment.findUniqueOrThrow({
        where: { id: paymentId },
        select: {
          createdAt: true,
          verifiedAt: true,
          settledAt: true,
          usageRecords: { select: { createdAt: true } },
          ledgerEntries: { select: { createdAt: true } },
        },
      });
    });
    expect(Math.abs(stored.createdAt.getTime() - before)).toBeLessThan(60_000);
    expect(stored.verifiedAt?.toISOString()).toBe(verifiedAt.toISOString());
    expect(stored.settledAt?.toISOString()).toBe(settledAt.toISOString());
    expect(stored.usageRecords.map((u) => u.createdAt.toISOString())).toEqual([
      settledAt.toISOString(),
    ]);
    expect(stored.ledgerEntries.length).toBeGreaterThan(0);
    for (const e of stored.ledgerEntries)
      expect(e.createdAt.toISOString()).toBe(settledAt.toISOString());
  });
});

describe("reservePayment", () => {
  it("refuses a second reservation of an authorization or a payment identifier, saying which", async () => {
    const merchantId = await newMerchant("Replay Inc");
    const first = reservation(merchantId, { paymentIdentifier: "pay_ledger_0001" });
    await reserved(database.db, first);
    const env = testDeps(database.db).env;
    expect(await reservePayment(database.db, { ...first, paymentIdentifier: null }, env)).toEqual({
      ok: false,
      reason: "payment_replayed",
    });
    expect(
      await reservePayment(
        database.db,
        reservation(merchantId, { paymentIdentifier: "pay_ledger_0001" }),
        env,
      ),
    ).toEqual({ ok: false, reason: "payment_identifier_reused" });
    expect(await database.db.payment.count({ where: { merchantId } })).toBe(1);
  });

  it("leaves a caller's transaction usable after a clash", async () => {
    const merchantId = await newMerchant("Clash Inc");
    const first = reservation(merchantId);
    await reserved(database.db, first);
    const counted = await database.db.$transaction(async (tx) => {
      const db = tx as unknown as PrismaClient;
      const again = await reservePayment(db, first, testDeps(database.db).env);
      expect(again).toEqual({ ok: false, reason: "payment_replayed" });
      await reserved(db, reservation(merchantId));
      return db.payment.count({ where: { merchantId } });
    });
    expect(counted).toBe(2);
  });
});
