import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { createId } from "@/server/db/ids";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  platformAdmin,
  trpcErrorCode,
  useTestDatabase,
} from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";

// The platform's blocklist end to end: admins block through the admin API, a real gateway (real DB,
// anvil and upstream) refuses at once — before verification, so nothing is reserved, nothing moves
// on chain — and serves again right after an unblock or once a block has lapsed.

const database = useTestDatabase();
let h: GatewayHarness;
let admin: SessionUser;
let owner: SessionUser;
let payer: PrivateKeyAccount;
/** the authorization refused while the payer was blocked: never reserved, so still good after the unblock */
let refused = { header: "", nonce: "" };

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  admin = await platformAdmin(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  payer = await h.newPayer();
});
afterAll(async () => {
  await h?.close();
});

const asAdmin = () => callerFor(h.deps, admin);
const from = (ip: string, headers: Record<string, string> = {}) => ({
  headers: { "x-forwarded-for": ip, ...headers },
});

async function accessRows(reason: string) {
  await h.runtime.usage.flush();
  return database.db.usageRecord.findMany({
    where: { merchantId: h.merchant.id, reason },
    orderBy: { createdAt: "asc" },
  });
}

describe("a blocked payer", () => {
  it("gets 403 payer_blocked for a valid payment: nothing reserved, nothing on chain, the access row says why", async () => {
    const block = await asAdmin().admin.risk.block({
      kind: "PAYER",
      value: payer.address.toUpperCase().replace("0X", "0x"),
      reason: "chargeback ring",
    });
    expect(block).toMatchObject({
      kind: "PAYER",
      value: payer.address.toLowerCase(),
      active: true,
      createdBy: admin.id,
    });

    const requirements = await h.requirementsFor("/api/signal/btc");
    const payerBefore = await h.balanceOf(payer.address);
    const merchantBefore = await h.balanceOf(h.merchantWallet);
    const { header, nonce } = await h.signPayment(payer, requirements);
    refused = { header, nonce };
    const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: "payer_blocked", message: expect.stringContaining("nothing was charged") },
    });

    expect(
      await database.db.payment.count({ where: { authorizationNonce: nonce.toLowerCase() } }),
    ).toBe(0);
    expect(await h.balanceOf(payer.address)).toBe(payerBefore);
    expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore);
    expect(
      h.upstream.seen.some((s) => s.headers["x-x402-payer"] === payer.address.toLowerCase()),
    ).toBe(false);
    expect(await accessRows("payer_blocked")).toMatchObject([
      { status: "REJECTED", httpStatus: 403, payer: payer.address.toLowerCase() },
    ]);
  });

  it("refuses a second block of the same address while the first is in force", async () => {
    expect(
      await trpcErrorCode(
        asAdmin().admin.risk.block({ kind: "PAYER", value: payer.address, reason: "again" }),
      ),
    ).toBe("CONFLICT");
  });

  it("pays normally right after the unblock (same authorization, never reserved), and both actions are audited", async () => {
    const [block] = await asAdmin().admin.risk.blocks({ scope: "active" });
    expect(block).toMatchObject({ kind: "PAYER", value: payer.address.toLowerCase() });
    const lifted = await asAdmin().admin.risk.unblock({ blockId: block!.id });
    expect(lifted).toMatchObject({ active: false, revokedBy: admin.id });

    const { header, nonce } = refused;
    const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(res.status).toBe(200);
    expect(
      await database.db.payment.findFirst({ where: { authorizationNonce: nonce.toLowerCase() } }),
    ).toMatchObject({ status: "SETTLED" });

    const audit = await database.db.auditLog.findMany({
      where: { targetId: block!.id },
      orderBy: { createdAt: "asc" },
    });
    expect(
      audit.map((a) => ({ action: a.action, actorUserId: a.actorUserId, actorRole: a.actorRole })),
    ).toEqual([
      { action: "risk.block", actorUserId: admin.id, actorRole: "PLATFORM_ADMIN" },
      { action: "risk.unblock", actorUserId: admin.id, actorRole: "PLATFORM_ADMIN" },
    ]);
    expect(audit[0]?.after).toMatchObject({
      kind: "PAYER",
      value: payer.address.toLowerCase(),
      reason: "chargeback ring",
    });
    expect(await trpcErrorCode(asAdmin().admin.risk.unblock({ blockId: block!.id }))).toBe(
      "CONFLICT",
    );
  });
});

describe("a blocked client IP", () => {
  it("gets 403 client_blocked on every paid path, paid or not, and is still served on free paths", async () => {
    await asAdmin().admin.risk.block({
      kind: "CLIENT_IP",
      value: "203.0.113.0/24",
      reason: "scraper farm",
    });
    const unpaid = await h.call("/api/signal/eth", from("203.0.113.44"));
    expect(unpaid.status).toBe(403);
    expect(await unpaid.json()).toMatchObject({ error: { code: "client_blocked" } });

    const requirements = await h.requirementsFor("/api/signal/eth", from("198.51.100.1"));
    const { header, nonce } = await h.signPayment(payer, requirements);
    const paid = await h.call(
      "/api/signal/eth",
      from("203.0.113.45", { "payment-signature": header }),
    );
    expect(paid.status).toBe(403);
    expect(
      await database.db.payment.count({ where: { authorizationNonce: nonce.toLowerCase() } }),
    ).toBe(0);

    expect((await h.call("/api/free/thing", from("203.0.113.44"))).status).toBe(200);
    expect((await h.call("/api/signal/eth", from("203.0.114.1"))).status).toBe(402);
    expect(await accessRows("client_blocked")).toHaveLength(2);
  });

  it("no longer applies once its expiry has passed", async () => {
    const expiresAt = new Date(Date.now() + 60 * 60_000);
    await asAdmin().admin.risk.block({
      kind: "CLIENT_IP",
      value: "192.0.2.7",
      reason: "cool-off",
      expiresAt,
    });
    expect((await h.call("/api/signal/eth", from("192.0.2.7"))).status).toBe(403);
    // the gateway's clock moves past the expiry (an unpaid call: no authorization's validity at stake)
    const realNow = h.runtime.now;
    h.runtime.now = () => new Date(expiresAt.getTime() + 1000);
    try {
      expect((await h.call("/api/signal/eth", from("192.0.2.7"))).status).toBe(402);
    } finally {
      h.runtime.now = realNow;
    }
    // and a lapsed block leaves the active list (the page shows it under "all")
    const lapsed = await callerFor(
      { ...h.deps, now: () => new Date(expiresAt.getTime() + 1000) },
      admin,
    ).admin.risk.blocks({ scope: "active" });
    expect(lapsed.map((b) => b.value)).not.toContain("192.0.2.7");
  });

  it("refuses a malformed value or an expiry in the past with a field error", async () => {
    const err = await asAdmin()
      .admin.risk.block({ kind: "CLIENT_IP", value: "10.0.0.0/0", reason: "everyone" })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("prefix length"),
    });
    expect(
      await trpcErrorCode(
        asAdmin().admin.risk.block({
          kind: "PAYER",
          value: payer.address,
          reason: "late",
          expiresAt: new Date(Date.now() - 1000),
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});

describe("who may act", () => {
  it("refuses a merchant's owner on every risk action (FORBIDDEN), and a signed-out caller (UNAUTHORIZED)", async () => {
    const merchant = callerFor(h.deps, owner);
    expect(
      await trpcErrorCode(
        merchant.admin.risk.block({
          kind: "PAYER",
          value: payer.address,
          reason: "not mine to block",
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(await trpcErrorCode(merchant.admin.risk.blocks({ scope: "all" }))).toBe("FORBIDDEN");
    const [any] = await asAdmin().admin.risk.blocks({ scope: "all" });
    expect(await trpcErrorCode(merchant.admin.risk.unblock({ blockId: any!.id }))).toBe(
      "FORBIDDEN",
    );
    expect(
      await trpcErrorCode(
        callerFor(h.deps, null).admin.risk.block({
          kind: "PAYER",
          value: payer.address,
          reason: "anonymous",
        }),
      ),
    ).toBe("UNAUTHORIZED");
    expect(
      await database.db.riskBlock.count({
        where: { reason: { in: ["not mine to block", "anonymous"] } },
      }),
    ).toBe(0);
  });
});

describe("alerts: acknowledge and resolve", () => {
  async function openAlert(merchantId: string | null, key: string) {
    return database.db.alert.create({
      data: {
        id: createId("alert"),
        merchantId,
        rule: "high_frequency_ip",
        severity: "WARNING",
        openKey: key,
        dedupeKey: key,
        title: `alert ${key}`,
        details: {},
      },
    });
  }

  it("lets an admin acknowledge (still open) and resolve any alert, audited", async () => {
    const alert = await openAlert(null, `platform:${createId("request")}`);
    const acked = await asAdmin().admin.alerts.acknowledge({ alertId: alert.id });
    expect(acked.acknowledgedAt).toBeInstanceOf(Date);
    expect(await database.db.alert.findUnique({ where: { id: alert.id } })).toMatchObject({
      status: "OPEN",
      acknowledgedBy: admin.id,
    });
    await asAdmin().admin.alerts.resolve({ alertId: alert.id });
    expect(await database.db.alert.findUnique({ where: { id: alert.id } })).toMatchObject({
      status: "RESOLVED",
      openKey: null,
      resolvedBy: admin.id,
    });
    expect(await trpcErrorCode(asAdmin().admin.alerts.resolve({ alertId: alert.id }))).toBe(
      "CONFLICT",
    );
    const audit = await database.db.auditLog.findMany({
      where: { targetId: alert.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["alert.acknowledge", "alert.resolve"]);
  });

  it("lets a merchant's owner act on its own alerts only (another merchant's is not found)", async () => {
    const own = await openAlert(h.merchant.id, `own:${createId("request")}`);
    const other = await openAlert(null, `other:${createId("request")}`);
    const merchant = callerFor(h.deps, owner);
    await merchant.alerts.acknowledge({ merchantId: h.merchant.id, alertId: own.id });
    expect(
      await trpcErrorCode(
        merchant.alerts.acknowledge({ merchantId: h.merchant.id, alertId: other.id }),
      ),
    ).toBe("NOT_FOUND");
    await merchant.alerts.resolve({ merchantId: h.merchant.id, alertId: own.id });
    expect(await database.db.alert.findUnique({ where: { id: own.id } })).toMatchObject({
      status: "RESOLVED",
      resolvedBy: owner.id,
    });
    expect(await database.db.alert.findUnique({ where: { id: other.id } })).toMatchObject({
      status: "OPEN",
      acknowledgedAt: null,
    });
    expect(await trpcErrorCode(merchant.admin.alerts.resolve({ alertId: other.id }))).toBe(
      "FORBIDDEN",
    );
  });
});
