import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import { appRouter } from "@/server/api/root";
import { adminRouter } from "@/server/api/routers/admin";
import { createCorrection } from "@/server/billing/corrections";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import { createId } from "@/server/db/ids";
import { saveHostedFacilitatorSettings } from "@/server/facilitator/hosted/hosted-settings";
import type { PrismaClient } from "@/server/db";
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

const database = useTestDatabase();
let admin: SessionUser;
let owner: SessionUser;
let developer: SessionUser;
let merchantId: string;
let otherMerchantId: string;

type ProcedureRecord = Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>;
const proceduresOf = (r: unknown) =>
  (r as { _def: { procedures: ProcedureRecord } })._def.procedures;

beforeAll(async () => {
  const deps = testDeps(database.db);
  admin = await platformAdmin(database.db);
  const user = (name: string) =>
    signUpWithPassword(deps, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [owner, developer] = await Promise.all([user("owner"), user("developer")]);
  const other = await user("other");
  const input = {
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  merchantId = (await callerFor(deps, owner).merchants.create(input)).id;
  otherMerchantId = (await callerFor(deps, other).merchants.create(input)).id;
  await database.db.membership.create({
    data: {
      id: `mem_${Date.now().toString(36)}dev`,
      merchantId,
      userId: developer.id,
      role: "DEVELOPER",
    },
  });
  await callerFor(deps, owner).apiKeys.create({ merchantId, name: "ci" });
  await callerFor(deps, admin).admin.merchants.disable({
    merchantId,
    reason: "KYC documents expired",
  });
  await callerFor(deps, admin).admin.merchants.enable({ merchantId });
});

describe("the admin audit log", () => {
  it("lists every entry newest first with who, role, IP, action, target and before/after", async () => {
    const { items } = await callerFor(testDeps(database.db), admin).admin.audit.list({});
    expect(items.map((e) => e.action).slice(0, 3)).toEqual([
      "merchant.enable",
      "merchant.disable",
      "api_key.create",
    ]);
    expect(
      items.some((e) => e.merchantId === otherMerchantId && e.action === "merchant.create"),
    ).toBe(true);
    expect(items[1]).toMatchObject({
      actorUserId: admin.id,
      actorEmail: admin.email,
      actorRole: "PLATFORM_ADMIN",
      ip: "127.0.0.1",
      merchantId,
      merchantName: "Shop",
      targetType: "merchant",
      targetId: merchantId,
      before: { status: "ACTIVE" },
      after: { status: "DISABLED", statusReason: "KYC documents expired" },
    });
  });

  it("filters by actor, merchant, action, target and date range", async () => {
    const asAdmin = callerFor(testDeps(database.db), admin).admin.audit;
    const actions = async (input: Parameters<typeof asAdmin.list>[0]) =>
      (await asAdmin.list(input)).items.map((e) => e.action);
    expect(await actions({ actor: admin.email!.slice(0, 12) })).toEqual([
      "merchant.enable",
      "merchant.disable",
    ]);
    expect(await actions({ actor: owner.id })).toEqual(["api_key.create", "merchant.create"]);
    expect(await actions({ merchantId: otherMerchantId })).toEqual(["merchant.create"]);
    expect(await actions({ merchantId, action: "merchant." })).toEqual([
      "merchant.enable",
      "merchant.disable",
      "merchant.create",
    ]);
    expect(await actions({ merchantId, target: "api_key" })).toEqual(["api_key.create"]);
    expect(await actions({ from: new Date(Date.now() + 60_000) })).toEqual([]);
    expect((await actions({ to: new Date(Date.now() + 60_000), merchantId })).length).toBe(4);
  });

  it("pages with a cursor", async () => {
    const asAdmin = callerFor(testDeps(database.db), admin).admin.audit;
    const first = await asAdmin.list({ limit: 2 });
    const second = await asAdmin.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(first.items).toHaveLength(2);
    expect(second.items[0]?.id).not.toBe(first.items[1]?.id);
    expect(second.items[0]!.createdAt.getTime()).toBeLessThanOrEqual(
      first.items[1]!.createdAt.getTime(),
    );
  });
});

describe("the merchant console's audit log", () => {
  it("shows an OWNER their own merchant's entries only, the admin's included", async () => {
    const { items } = await callerFor(testDeps(database.db), owner).audit.list({ merchantId });
    expect(items.map((e) => e.action)).toEqual([
      "merchant.enable",
      "merchant.disable",
      "api_key.create",
      "merchant.create",
    ]);
    expect(items.every((e) => e.merchantId === merchantId)).toBe(true);
  });

  it("is FORBIDDEN to other roles of the merchant and NOT_FOUND for another merchant", async () => {
    expect(
      await trpcErrorCode(callerFor(testDeps(database.db), developer).audit.list({ merchantId })),
    ).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        callerFor(testDeps(database.db), owner).audit.list({ merchantId: otherMerchantId }),
      ),
    ).toBe("NOT_FOUND");
  });
});

describe("nothing can edit or delete an audit entry", () => {
  it("has no mutation on audit entries anywhere in the API: the audit procedures are all queries", () => {
    const all = proceduresOf(appRouter);
    const auditProcedures = Object.entries(all).filter(([p]) => /audit/i.test(p));
    expect(auditProcedures.map(([p, proc]) => [p, proc._def.type])).toEqual([
      ["audit.list", "query"],
      ["admin.audit.list", "query"],
    ]);
  });

  it("has no code path that updates or deletes audit rows", () => {
    const root = path.resolve("server");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (name === "generated" || name === "node_modules") continue;
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) {
          const text = readFileSync(full, "utf8");
          if (
            /auditLog\.(update|updateMany|upsert|delete|deleteMany)\b|(UPDATE|DELETE FROM)\s+"AuditLog"/.test(
              text,
            )
          )
            offenders.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });

  it("ignores anything but filters in a list call: extra keys cannot reach the database", async () => {
    const before = await database.db.auditLog.findMany({ orderBy: { id: "asc" } });
    const target = before[0]!;
    const hostile = {
      merchantId,
      id: target.id,
      action: undefined,
      data: { action: "forged" },
      delete: true,
      where: { id: target.id },
    } as unknown as Parameters<ReturnType<typeof callerFor>["audit"]["list"]>[0];
    await callerFor(testDeps(database.db), owner).audit.list(hostile);
    expect(await database.db.auditLog.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});

// Each admin mutation, prepared so it changes something, with the input that makes it do so.
// A mutation added to the admin router without an entry here fails the first test below.
type Prepared = { input: Record<string, unknown>; action: string };
let seq = 0;
const MUTATIONS: Record<string, (db: PrismaClient) => Promise<Prepared>> = {
  "merchants.approve": async (db) => {
    await db.merchant.update({ where: { id: merchantId }, data: { status: "PENDING_REVIEW" } });
    return { input: { merchantId }, action: "merchant.approve" };
  },
  "merchants.disable": async (db) => {
    await db.merchant.update({ where: { id: merchantId }, data: { status: "ACTIVE" } });
    return { input: { merchantId, reason: "Fraud reports" }, action: "merchant.disable" };
  },
  "merchants.enable": async (db) => {
    await db.merchant.update({ where: { id: merchantId }, data: { status: "DISABLED" } });
    return { input: { merchantId }, action: "merchant.enable" };
  },
  "merchants.assignFeeTemplate": async (db) => {
    const template = await db.feeTemplate.findFirstOrThrow({
      where: { isDefault: false },
      orderBy: { createdAt: "desc" },
    });
    await db.merchant.update({ where: { id: merchantId }, data: { feeTemplateId: null } });
    return {
      input: { merchantId, templateId: template.id },
      action: "merchant.fee_template.assign",
    };
  },
  "merchants.setSettlementMode": async (db) => {
    await db.merchant.update({ where: { id: merchantId }, data: { settlementMode: "DIRECT" } });
    return { input: { merchantId, mode: "PLATFORM" }, action: "merchant.settlement_mode.update" };
  },
  "alerts.updateThresholds": async () => ({
    input: { payerFailedPayments: 10 + ++seq },
    action: "alerts.thresholds.update",
  }),
  "settings.setRequireReview": async (db) => {
    await db.platformSetting.deleteMany({ where: { key: "merchants.requireReview" } });
    return { input: { value: true }, action: "platform.merchants_require_review.update" };
  },
  "settings.setRateLimitCaps": async () => ({
    input: {
      unpaidPerMerchant: 100_000,
      unpaidPerClient: 100_000 - ++seq,
      paidPerMerchant: 100_000,
      paidPerPayer: 100_000,
    },
    action: "platform.rate_limit_caps.update",
  }),
  "billing.settlementRuns.start": async () => {
    // a period of its own each time (a period's run is created once); nothing is owed in it
    const end = Date.now() - 86_400_000 * (1 + ++seq);
    return {
      input: { periodStart: new Date(end - 86_400_000), periodEnd: new Date(end) },
      action: "settlement_run.start",
    };
  },
  "billing.refunds.create": async (db) => {
    // a settled payment made to the merchant's own wallet (DIRECT): its refund is recorded as owed
    const payment = await db.payment.create({
      data: {
        id: `pay_audit_${++seq}`,
        merchantId,
        status: "SETTLED",
        x402Version: 2,
        scheme: "exact",
        network: "eip155:31337",
        asset: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        payer: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        ...sealedPaymentColumns(
          { payTo: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", payloadEncoded: "e30=" },
          testEnv(),
        ),
        amountAtomic: 10_000,
        requiredAmountAtomic: 10_000,
        authorizationNonce: `0x${String(seq).padStart(64, "0")}`,
        validAfter: new Date(0),
        validBefore: new Date(Date.now() + 3_600_000),
        facilitator: "LOCAL",
        resource: "https://gw.example/x",
        requestId: `req_audit_${seq}`,
      },
    });
    return {
      input: { paymentId: payment.id, reason: "audit rollback check" },
      action: "refund.create",
    };
  },
  "admins.grant": async (db) => {
    const user = await signUpWithPassword(testDeps(db), {
      name: "Grantee",
      email: uniqueEmail("grantee"),
      password: "correct horse battery",
    });
    return { input: { email: user.email }, action: "platform_admin.grant" };
  },
  "admins.revoke": async (db) => {
    const user = await signUpWithPassword(testDeps(db), {
      name: "Revokee",
      email: uniqueEmail("revokee"),
      password: "correct horse battery",
    });
    await db.user.update({ where: { id: user.id }, data: { role: "PLATFORM_ADMIN" } });
    return { input: { userId: user.id }, action: "platform_admin.revoke" };
  },
  "corrections.create": async () => ({
    input: {
      merchantId,
      direction: "CREDIT",
      amountAtomic: String(1 + ++seq),
      network: "eip155:31337",
      asset: TOKEN,
      reason: "audit rollback check",
    },
    action: "correction.create",
  }),
  "corrections.approve": async (db) => ({
    input: { correctionId: await pendingCorrection(db) },
    action: "correction.approve",
  }),
  "corrections.reject": async (db) => ({
    input: { correctionId: await pendingCorrection(db), note: "audit rollback check" },
    action: "correction.reject",
  }),
  "corrections.setThreshold": async () => ({
    input: { thresholdAtomic: String(1_000_000 + ++seq) },
    action: "platform.correction_threshold.update",
  }),
  "merchants.setFacilitator": async (db) => {
    // a hosted facilitator to switch to, and the merchant on the self-hosted one
    await saveHostedFacilitatorSettings(testDeps(db), {
      actor: { role: "PLATFORM_ADMIN" },
      input: { url: "https://facilitator.example/x402", bearerToken: "audit-check" },
    });
    await db.merchant.update({ where: { id: merchantId }, data: { facilitator: "LOCAL" } });
    return { input: { merchantId, facilitator: "HOSTED" }, action: "merchant.facilitator.update" };
  },
  "hostedFacilitator.save": async () => ({
    input: { url: "https://facilitator.example/x402", bearerToken: `token-${++seq}` },
    action: "platform.hosted_facilitator.update",
  }),
  "hostedFacilitator.reset": async (db) => {
    await saveHostedFacilitatorSettings(testDeps(db), {
      actor: { role: "PLATFORM_ADMIN" },
      input: { url: "https://facilitator.example/x402", bearerToken: "to-reset" },
    });
    return { input: {}, action: "platform.hosted_facilitator.reset" };
  },
  "receiptKeys.rotate": async () => ({
    input: {},
    action: "platform.receipt_signing_key.rotate",
  }),
  "alerts.acknowledge": async (db) => ({
    input: { alertId: (await openAlert(db)).id },
    action: "alert.acknowledge",
  }),
  "alerts.resolve": async (db) => ({
    input: { alertId: (await openAlert(db)).id },
    action: "alert.resolve",
  }),
  "risk.block": async () => ({
    input: {
      kind: "PAYER",
      value: `0x${String(++seq).padStart(40, "a")}`,
      reason: "audit rollback check",
    },
    action: "risk.block",
  }),
  "risk.unblock": async (db) => {
    const value = `0x${String(++seq).padStart(40, "b")}`;
    const block = await db.riskBlock.create({
      data: {
        id: createId("riskBlock"),
        kind: "PAYER",
        value,
        activeKey: `PAYER:${value}`,
        reason: "to lift",
      },
    });
    return { input: { blockId: block.id }, action: "risk.unblock" };
  },
  "feeTemplates.create": async () => ({
    input: { name: `Template ${++seq}`, bps: 250, fixedFeeAtomic: "0", isDefault: false },
    action: "fee_template.create",
  }),
  "feeTemplates.addVersion": async (db) => {
    const template = await db.feeTemplate.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    return {
      input: {
        templateId: template.id,
        bps: 100 + ++seq,
        effectiveFrom: new Date(Date.now() + ++seq * 3_600_000),
      },
      action: "fee_template.version.create",
    };
  },
  "feeTemplates.setDefault": async (db) => {
    const template = await db.feeTemplate.findFirstOrThrow({
      where: { isDefault: false },
      orderBy: { createdAt: "asc" },
    });
    return { input: { templateId: template.id }, action: "fee_template.set_default" };
  },
};

const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

/** A correction above the threshold, created by another admin, waiting for a decision. */
async function pendingCorrection(db: PrismaClient): Promise<string> {
  const other = await platformAdmin(db);
  const env = testEnv({ LOCAL_TOKEN_ADDRESS: TOKEN });
  const created = await createCorrection(testDeps(db, { env }), {
    actor: { userId: other.id, role: "PLATFORM_ADMIN" },
    input: {
      merchantId,
      direction: "DEBIT",
      amountAtomic: "999999999999",
      network: "eip155:31337",
      asset: TOKEN,
      reason: "needs a second admin",
    },
  });
  return created.id;
}

async function openAlert(db: PrismaClient) {
  const key = `audit:${++seq}`;
  return db.alert.create({
    data: {
      id: createId("alert"),
      merchantId,
      rule: "high_frequency_ip",
      severity: "WARNING",
      openKey: key,
      dedupeKey: key,
      title: "audit check",
      details: {},
    },
  });
}

/** What the admin mutations can change, as one comparable value. */
async function stateOf(db: PrismaClient) {
  const [
    merchants,
    templates,
    versions,
    settings,
    runs,
    refunds,
    users,
    secrets,
    alerts,
    blocks,
    receiptKeys,
  ] = await Promise.all([
    db.merchant.findMany({
      orderBy: { id: "asc" },
      select: {
        id: true,
        status: true,
        statusReason: true,
        feeTemplateId: true,
        settlementMode: true,
        facilitator: true,
      },
    }),
    db.feeTemplate.findMany({
      orderBy: { id: "asc" },
      select: { id: true, name: true, isDefault: true },
    }),
    db.feeTemplateVersion.findMany({ orderBy: { id: "asc" }, select: { id: true } }),
    db.platformSetting.findMany({ orderBy: { key: "asc" } }),
    db.settlementRun.findMany({ orderBy: { id: "asc" }, select: { id: true } }),
    db.adjustment.findMany({
      orderBy: { id: "asc" },
      select: { id: true, status: true, _count: { select: { ledgerEntries: true } } },
    }),
    db.user.findMany({
      orderBy: { id: "asc" },
      select: { id: true, role: true, status: true, sessionVersion: true },
    }),
    db.platformSecret.findMany({
      orderBy: { id: "asc" },
      select: { id: true, valueCiphertext: true },
    }),
    db.alert.findMany({
      orderBy: { id: "asc" },
      select: { id: true, status: true, acknowledgedAt: true },
    }),
    db.riskBlock.findMany({ orderBy: { id: "asc" }, select: { id: true, revokedAt: true } }),
    db.receiptSigningKey.findMany({
      orderBy: { id: "asc" },
      select: { id: true, retiredAt: true },
    }),
  ]);
  return JSON.stringify({
    merchants,
    templates,
    versions,
    settings,
    runs,
    refunds,
    users,
    secrets,
    alerts,
    blocks,
    receiptKeys,
  });
}

describe("every admin mutation writes its audit entry in the same transaction", () => {
  const adminMutations = Object.entries(proceduresOf(adminRouter))
    .filter(([, p]) => p._def.type === "mutation")
    .map(([name]) => name);

  it("knows every admin mutation", () => {
    expect(adminMutations.filter((m) => !(m in MUTATIONS))).toEqual([]);
  });

  beforeAll(async () => {
    // templates for the assignment and default mutations to work on
    const asAdmin = callerFor(testDeps(database.db), admin).admin.feeTemplates;
    await asAdmin.create({ name: "Base", bps: 200, fixedFeeAtomic: "0", isDefault: true });
    await asAdmin.create({ name: "Partner", bps: 150, fixedFeeAtomic: "0" });
  });

  it.each(Object.keys(MUTATIONS))(
    "%s: rolled back when its audit write fails, recorded with it when it succeeds",
    async (name) => {
      const call = (db: PrismaClient, input: Record<string, unknown>) => {
        const caller = callerFor(
          testDeps(db, {
            env: testEnv({
              TREASURY_PRIVATE_KEY: `0x${"11".repeat(32)}`,
              LOCAL_TOKEN_ADDRESS: TOKEN,
            }),
          }),
          admin,
        ) as unknown as { admin: Record<string, unknown> };
        // procedure paths may nest (billing.settlementRuns.start)
        const target = name
          .split(".")
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller.admin) as (
          i: unknown,
        ) => Promise<unknown>;
        return target(input);
      };
      // the database refuses audit rows for this client only: the change must not survive without its entry
      const refusingAudit = database.db.$extends({
        query: {
          auditLog: {
            create() {
              throw new Error("audit store unavailable");
            },
          },
        },
      }) as unknown as PrismaClient;

      const prepared = await MUTATIONS[name]!(database.db);
      const before = await stateOf(database.db);
      const auditsBefore = await database.db.auditLog.count({ where: { action: prepared.action } });
      const failed = await call(refusingAudit, prepared.input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(TRPCError);
      expect(await stateOf(database.db)).toBe(before);
      expect(await database.db.auditLog.count({ where: { action: prepared.action } })).toBe(
        auditsBefore,
      );

      await call(database.db, prepared.input);
      expect(await stateOf(database.db)).not.toBe(before);
      const entries = await database.db.auditLog.findMany({
        where: { action: prepared.action },
        orderBy: { createdAt: "desc" },
      });
      expect(entries).toHaveLength(auditsBefore + 1);
      expect(entries[0]).toMatchObject({
        actorUserId: admin.id,
        actorRole: "PLATFORM_ADMIN",
        ip: "127.0.0.1",
      });
    },
  );
});
