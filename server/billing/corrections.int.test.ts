import { beforeAll, describe, expect, it } from "vitest";

import { getNetworkRegistry } from "@/server/networks/config";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import {
  callerFor,
  platformAdmin,
  testDeps,
  testEnv,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { merchantStatement } from "./statements";

// Ledger corrections through the admin API on a real database: the four-eyes threshold, the same
// admin refused as approver, one ledger entry however often (or concurrently) it is approved, and
// the statement's adjustments column and the audit log showing it.

const database = useTestDatabase();
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const NETWORK = "eip155:31337";
const env = testEnv({ LOCAL_TOKEN_ADDRESS: TOKEN });
let creator: SessionUser;
let approver: SessionUser;
let third: SessionUser;
let owner: SessionUser;
let merchantId: string;
let otherMerchantId: string;
let paymentId: string;
let otherPaymentId: string;

const admin = (u: SessionUser) => callerFor(testDeps(database.db, { env }), u).admin.corrections;

async function payment(merchant: string, n: number): Promise<string> {
  const row = await database.db.payment.create({
    data: {
      id: `pay_corr_${merchant.slice(-6)}_${n}`,
      merchantId: merchant,
      status: "SETTLED",
      x402Version: 2,
      scheme: "exact",
      network: NETWORK,
      asset: TOKEN,
      payer: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
      ...sealedPaymentColumns(
        { payTo: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", payloadEncoded: "e30=" },
        env,
      ),
      amountAtomic: 10_000,
      requiredAmountAtomic: 10_000,
      authorizationNonce: `0x${String(n).padStart(64, "0")}`,
      validAfter: new Date(0),
      validBefore: new Date(Date.now() + 3_600_000),
      facilitator: "LOCAL",
      resource: "https://gw.example/x",
      requestId: `req_corr_${n}`,
    },
  });
  return row.id;
}

async function ledger(adjustmentId: string) {
  return database.db.ledgerEntry.findMany({
    where: { adjustmentId },
    select: {
      type: true,
      amountAtomic: true,
      paymentId: true,
      actorUserId: true,
      merchantId: true,
    },
  });
}

beforeAll(async () => {
  [creator, approver, third] = await Promise.all([
    platformAdmin(database.db),
    platformAdmin(database.db),
    platformAdmin(database.db),
  ]);
  owner = await signUpWithPassword(testDeps(database.db), {
    name: "Owner",
    email: uniqueEmail("owner"),
    password: "correct horse battery",
  });
  const input = {
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  merchantId = (await callerFor(testDeps(database.db, { env }), owner).merchants.create(input)).id;
  otherMerchantId = (
    await callerFor(testDeps(database.db, { env }), owner).merchants.create({
      ...input,
      name: "Other",
    })
  ).id;
  paymentId = await payment(merchantId, 1);
  otherPaymentId = await payment(otherMerchantId, 2);
  await admin(creator).setThreshold({ thresholdAtomic: "10000000" });
});

describe("ledger corrections", () => {
  let smallId: string;
  let bigId: string;

  it("applies a correction at or below the threshold at once: one ADJUSTMENT entry, audited", async () => {
    const c = await admin(creator).create({
      merchantId,
      direction: "CREDIT",
      amountAtomic: "5000000",
      network: NETWORK,
      asset: TOKEN,
      reason: "fee charged twice in March",
    });
    smallId = c.id;
    expect(c).toMatchObject({
      status: "COMPLETED",
      requiresApproval: false,
      direction: "CREDIT",
      amountAtomic: "5000000",
      symbol: "USDC",
      decimals: 6,
      decidedById: creator.id,
    });
    const entries = await ledger(c.id);
    expect(entries.map((e) => ({ ...e, amountAtomic: e.amountAtomic.toFixed() }))).toEqual([
      {
        type: "ADJUSTMENT",
        amountAtomic: "5000000",
        paymentId: null,
        actorUserId: creator.id,
        merchantId,
      },
    ]);
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { targetId: c.id, action: "correction.create" },
    });
    expect(audit).toMatchObject({
      merchantId,
      actorUserId: creator.id,
      actorRole: "PLATFORM_ADMIN",
    });
  });

  it("holds one above the threshold for a different admin: the creator cannot approve it, a second admin can, once", async () => {
    const c = await admin(creator).create({
      merchantId,
      direction: "DEBIT",
      amountAtomic: "20000000",
      paymentId,
      reason: "payout sent twice",
    });
    bigId = c.id;
    expect(c).toMatchObject({
      status: "PENDING",
      requiresApproval: true,
      direction: "DEBIT",
      network: NETWORK,
      asset: TOKEN,
      paymentId,
    });
    expect(await ledger(c.id)).toEqual([]);

    expect(await trpcErrorCode(admin(creator).approve({ correctionId: c.id }))).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(admin(creator).reject({ correctionId: c.id, note: "changed my mind" })),
    ).toBe("FORBIDDEN");
    expect(await ledger(c.id)).toEqual([]);

    const approved = await admin(approver).approve({ correctionId: c.id });
    expect(approved).toMatchObject({ status: "COMPLETED", decidedById: approver.id });
    const entries = await ledger(c.id);
    expect(entries.map((e) => ({ ...e, amountAtomic: e.amountAtomic.toFixed() }))).toEqual([
      {
        type: "ADJUSTMENT",
        amountAtomic: "-20000000",
        paymentId,
        actorUserId: approver.id,
        merchantId,
      },
    ]);

    expect(await trpcErrorCode(admin(approver).approve({ correctionId: c.id }))).toBe("CONFLICT");
    expect(await trpcErrorCode(admin(third).approve({ correctionId: c.id }))).toBe("CONFLICT");
    expect(await ledger(c.id)).toHaveLength(1);
    expect(
      await database.db.auditLog.count({ where: { targetId: c.id, action: "correction.approve" } }),
    ).toBe(1);
  });

  it("writes one ledger entry when two admins approve at the same moment", async () => {
    const c = await admin(creator).create({
      merchantId,
      direction: "CREDIT",
      amountAtomic: "30000000",
      network: NETWORK,
      asset: TOKEN,
      reason: "goodwill credit",
    });
    const results = await Promise.allSettled([
      admin(approver).approve({ correctionId: c.id }),
      admin(third).approve({ correctionId: c.id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await ledger(c.id)).toHaveLength(1);
  });

  it("rejects with a note and writes nothing to the ledger; a rejected correction cannot be approved", async () => {
    const c = await admin(creator).create({
      merchantId,
      direction: "CREDIT",
      amountAtomic: "40000000",
      network: NETWORK,
      asset: TOKEN,
      reason: "typo",
    });
    const rejected = await admin(approver).reject({
      correctionId: c.id,
      note: "no evidence attached",
    });
    expect(rejected).toMatchObject({
      status: "REJECTED",
      decisionNote: "no evidence attached",
      decidedById: approver.id,
    });
    expect(await trpcErrorCode(admin(third).approve({ correctionId: c.id }))).toBe("CONFLICT");
    expect(await ledger(c.id)).toEqual([]);
    expect(
      await database.db.auditLog.count({ where: { targetId: c.id, action: "correction.reject" } }),
    ).toBe(1);
  });

  it("refuses another merchant's payment, an unknown asset and a zero amount", async () => {
    const before = await database.db.adjustment.count();
    expect(
      await trpcErrorCode(
        admin(creator).create({
          merchantId,
          direction: "CREDIT",
          amountAtomic: "1",
          paymentId: otherPaymentId,
          reason: "wrong merchant",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await trpcErrorCode(
        admin(creator).create({
          merchantId,
          direction: "CREDIT",
          amountAtomic: "1",
          network: NETWORK,
          asset: "0x000000000000000000000000000000000000dead",
          reason: "no such token",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await trpcErrorCode(
        admin(creator).create({
          merchantId,
          direction: "CREDIT",
          amountAtomic: "0",
          network: NETWORK,
          asset: TOKEN,
          reason: "nothing",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await database.db.adjustment.count()).toBe(before);
  });

  it("shows the applied corrections (and only them) in the statement's adjustments and closing balance", async () => {
    const statement = await merchantStatement(
      { db: database.db, networks: getNetworkRegistry(env), now: () => new Date() },
      { merchantId },
    );
    const line = statement.lines.find((l) => l.network === NETWORK && l.asset === TOKEN);
    // +5 USDC and −20 USDC and +30 USDC applied; the rejected 40 is not
    expect(line).toMatchObject({ adjustments: "15000000", net: "15000000", closing: "15000000" });
    expect(
      (
        await merchantStatement(
          { db: database.db, networks: getNetworkRegistry(env), now: () => new Date() },
          { merchantId: otherMerchantId },
        )
      ).lines,
    ).toEqual([]);
    expect(smallId && bigId).toBeTruthy();
  });

  it("lists corrections for admins, filtered by status; a merchant owner is FORBIDDEN", async () => {
    const pending = await admin(creator).create({
      merchantId,
      direction: "DEBIT",
      amountAtomic: "50000000",
      network: NETWORK,
      asset: TOKEN,
      reason: "awaiting review",
    });
    const list = await admin(third).list({ status: "PENDING" });
    expect(list.map((c) => c.id)).toEqual([pending.id]);
    expect((await admin(third).list({ merchantId })).length).toBe(5);
    expect(await admin(third).threshold()).toEqual({ thresholdAtomic: "10000000" });
    expect(
      await trpcErrorCode(
        callerFor(testDeps(database.db, { env }), owner).admin.corrections.list({}),
      ),
    ).toBe("FORBIDDEN");
  });
});
