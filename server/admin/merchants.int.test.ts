import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  platformAdmin,
  testDeps,
  trpcErrorCode,
  useTestDatabase,
} from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";

// The review actions through the admin API, observed through a real gateway (real DB, anvil and
// upstream): the snapshot cache (5 s TTL) must drop the merchant at once, so each check runs right
// after the action with no wait.

const database = useTestDatabase();
let admin: SessionUser;

beforeAll(async () => {
  admin = await platformAdmin(database.db);
});

async function auditActions(merchantId: string) {
  const rows = await database.db.auditLog.findMany({
    where: {
      merchantId,
      action: { in: ["merchant.approve", "merchant.disable", "merchant.enable"] },
    },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({
    action: r.action,
    actorUserId: r.actorUserId,
    actorRole: r.actorRole,
    ip: r.ip,
    before: r.before,
    after: r.after,
  }));
}

describe("approving a pending merchant", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await createGatewayHarness(database.db, { env: { AUTO_APPROVE_MERCHANTS: "false" } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 403 merchant_inactive before approval and serves the paid endpoint right after", async () => {
    expect(
      (await database.db.merchant.findUniqueOrThrow({ where: { id: h.merchant.id } })).status,
    ).toBe("PENDING_REVIEW");
    const pending = await h.call("/api/signal/btc");
    expect(pending.status).toBe(403);
    expect(await pending.json()).toMatchObject({
      error: { code: "merchant_inactive", message: "This merchant is pending review" },
    });

    const asAdmin = callerFor(testDeps(database.db), admin);
    await asAdmin.admin.merchants.approve({ merchantId: h.merchant.id });

    const payer = await h.newPayer();
    const requirements = await h.requirementsFor("/api/signal/btc");
    const { header } = await h.signPayment(payer, requirements);
    const paid = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ symbol: "BTC" });
    expect(
      await database.db.payment.count({ where: { merchantId: h.merchant.id, status: "SETTLED" } }),
    ).toBe(1);
    expect(await auditActions(h.merchant.id)).toEqual([
      {
        action: "merchant.approve",
        actorUserId: admin.id,
        actorRole: "PLATFORM_ADMIN",
        ip: "127.0.0.1",
        before: { status: "PENDING_REVIEW", statusReason: null },
        after: { status: "ACTIVE", statusReason: null },
      },
    ]);
  });

  it("refuses to approve a merchant that is not pending, and changes nothing", async () => {
    const asAdmin = callerFor(testDeps(database.db), admin);
    expect(
      await trpcErrorCode(asAdmin.admin.merchants.approve({ merchantId: h.merchant.id })),
    ).toBe("CONFLICT");
    expect(await trpcErrorCode(asAdmin.admin.merchants.enable({ merchantId: h.merchant.id }))).toBe(
      "CONFLICT",
    );
    expect(await auditActions(h.merchant.id)).toHaveLength(1);
  });
});

describe("disabling and re-enabling an active merchant", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await createGatewayHarness(database.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 403 right after disabling, and works again right after re-enabling", async () => {
    // warm the gateway's snapshot cache so the 403 can only come from the invalidation
    expect((await h.call("/api/free")).status).toBe(200);
    expect((await h.call("/api/signal/btc")).status).toBe(402);

    const asAdmin = callerFor(testDeps(database.db), admin);
    await asAdmin.admin.merchants.disable({
      merchantId: h.merchant.id,
      reason: "Chargeback investigation",
    });
    const disabled = await h.call("/api/free");
    expect(disabled.status).toBe(403);
    expect(await disabled.json()).toMatchObject({
      error: { code: "merchant_inactive", message: "This merchant is disabled" },
    });
    expect((await h.call("/api/signal/btc")).status).toBe(403);
    expect(
      await database.db.merchant.findUniqueOrThrow({
        where: { id: h.merchant.id },
        select: { status: true, statusReason: true },
      }),
    ).toEqual({ status: "DISABLED", statusReason: "Chargeback investigation" });

    await asAdmin.admin.merchants.enable({ merchantId: h.merchant.id });
    expect((await h.call("/api/free")).status).toBe(200);
    expect((await h.call("/api/signal/btc")).status).toBe(402);

    expect((await auditActions(h.merchant.id)).map((a) => [a.action, a.before, a.after])).toEqual([
      [
        "merchant.disable",
        { status: "ACTIVE", statusReason: null },
        { status: "DISABLED", statusReason: "Chargeback investigation" },
      ],
      [
        "merchant.enable",
        { status: "DISABLED", statusReason: "Chargeback investigation" },
        { status: "ACTIVE", statusReason: null },
      ],
    ]);
  });

  it("requires a reason to disable (field error) and leaves the merchant active", async () => {
    const asAdmin = callerFor(testDeps(database.db), admin);
    const err = await asAdmin.admin.merchants
      .disable({ merchantId: h.merchant.id, reason: " " })
      .then(
        () => null,
        (e: unknown) => e as { code: string; cause?: unknown },
      );
    expect(err?.code).toBe("BAD_REQUEST");
    expect(
      (await database.db.merchant.findUniqueOrThrow({ where: { id: h.merchant.id } })).status,
    ).toBe("ACTIVE");
  });
});
