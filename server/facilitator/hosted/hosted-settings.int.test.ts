import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  platformAdmin,
  trpcErrorCode,
  useTestDatabase,
} from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";

import { HOSTED_FACILITATOR_SETTING } from "./hosted-settings";

// The merchant's facilitator chosen in the admin console, and the hosted facilitator's credentials
// stored sealed there, observed through a real gateway (real DB, anvil, upstream, and our own
// facilitator API on a socket standing in for the hosted one). No environment default here: until
// credentials are saved, HOSTED is refused; once saved, the running gateway uses them.

const database = useTestDatabase();
let h: GatewayHarness;
let admin: SessionUser;
let payer: PrivateKeyAccount;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    env: { HOSTED_FACILITATOR_URL: "", HOSTED_FACILITATOR_TOKEN: "" },
  });
  admin = await platformAdmin(database.db);
  payer = await h.newPayer();
});
afterAll(async () => {
  await h?.close();
});

const asAdmin = () => callerFor(h.deps, admin);

async function paidCall(path: string) {
  const requirements = await h.requirementsFor(path);
  const { header, nonce } = await h.signPayment(payer, requirements);
  const res = await h.call(path, { headers: { "payment-signature": header } });
  const payment = await database.db.payment.findFirst({
    where: { authorizationNonce: nonce.toLowerCase() },
  });
  return { res, payment };
}

describe("choosing the merchant's facilitator", () => {
  it("refuses HOSTED with a clear error while no hosted facilitator is configured", async () => {
    expect(await asAdmin().admin.hostedFacilitator.get()).toMatchObject({
      source: "none",
      url: null,
    });
    const err = await asAdmin()
      .admin.merchants.setFacilitator({ merchantId: h.merchant.id, facilitator: "HOSTED" })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("No hosted facilitator is configured"),
    });
    expect(
      await database.db.merchant.findUnique({
        where: { id: h.merchant.id },
        select: { facilitator: true },
      }),
    ).toEqual({ facilitator: "LOCAL" });
  });

  it("refuses a private, loopback or credentialed URL where private upstreams are not allowed (production)", async () => {
    const production = callerFor(
      { ...h.deps, env: { ...h.deps.env, ALLOW_PRIVATE_UPSTREAMS: false } },
      admin,
    );
    for (const url of [
      h.facilitatorApiUrl,
      "https://10.0.0.8/x402",
      "https://user:pw@facilitator.example",
    ]) {
      const refused = production.admin.hostedFacilitator.save({
        url,
        bearerToken: "a-token-0123456789abcdef",
      });
      expect(await trpcErrorCode(refused)).toBe("BAD_REQUEST");
    }
    expect(
      await database.db.platformSecret.findUnique({ where: { id: HOSTED_FACILITATOR_SETTING } }),
    ).toBeNull();
  });

  it("stores the credentials sealed and shows only whether a secret is set", async () => {
    const view = await asAdmin().admin.hostedFacilitator.save({
      url: h.facilitatorApiUrl,
      bearerToken: "wrong-token-0123456789abcdef",
    });
    expect(view).toMatchObject({
      source: "settings",
      url: h.facilitatorApiUrl,
      hasBearerToken: true,
      hasCdpApiKeySecret: false,
      cdpApiKeyId: null,
    });
    expect(JSON.stringify(view)).not.toContain("wrong-token");
    const row = await database.db.platformSecret.findUniqueOrThrow({
      where: { id: HOSTED_FACILITATOR_SETTING },
    });
    expect(row.valueCiphertext).not.toContain("wrong-token");
    expect(Buffer.from(row.valueCiphertext, "base64").toString("latin1")).not.toContain(
      "wrong-token",
    );
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { action: "platform.hosted_facilitator.update" },
    });
    expect(JSON.stringify(audit)).not.toContain("wrong-token");
    // a CDP key needs both halves
    expect(
      await trpcErrorCode(
        asAdmin().admin.hostedFacilitator.save({
          url: h.facilitatorApiUrl,
          cdpApiKeyId: "only-the-id",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("switches the running gateway to HOSTED and to new credentials without a restart", async () => {
    await asAdmin().admin.merchants.setFacilitator({
      merchantId: h.merchant.id,
      facilitator: "HOSTED",
    });
    await h.runtime.hostedConfig.refresh();
    // the stored token is not one the facilitator API admits: verification fails, nothing is charged
    const refused = await paidCall("/api/signal/btc");
    expect(refused.res.status).toBe(402);
    expect(refused.payment).toMatchObject({ facilitator: "HOSTED", status: "FAILED" });

    await asAdmin().admin.hostedFacilitator.save({
      url: h.facilitatorApiUrl,
      bearerToken: h.facilitatorApiToken,
    });
    await h.runtime.hostedConfig.refresh();
    const paid = await paidCall("/api/signal/btc");
    expect(paid.res.status).toBe(200);
    expect(paid.payment).toMatchObject({ facilitator: "HOSTED", status: "SETTLED" });
  });

  it("audits the switch, back to LOCAL too, and the gateway follows at once", async () => {
    await asAdmin().admin.merchants.setFacilitator({
      merchantId: h.merchant.id,
      facilitator: "LOCAL",
    });
    const local = await paidCall("/api/signal/eth");
    expect(local.payment).toMatchObject({ facilitator: "LOCAL", status: "SETTLED" });
    const switches = await database.db.auditLog.findMany({
      where: { merchantId: h.merchant.id, action: "merchant.facilitator.update" },
      orderBy: { createdAt: "asc" },
    });
    expect(
      switches.map((a) => ({
        actorUserId: a.actorUserId,
        actorRole: a.actorRole,
        before: a.before,
        after: a.after,
      })),
    ).toEqual([
      {
        actorUserId: admin.id,
        actorRole: "PLATFORM_ADMIN",
        before: { facilitator: "LOCAL" },
        after: { facilitator: "HOSTED" },
      },
      {
        actorUserId: admin.id,
        actorRole: "PLATFORM_ADMIN",
        before: { facilitator: "HOSTED" },
        after: { facilitator: "LOCAL" },
      },
    ]);
  });

  it("returns to the environment's default when the stored settings are reset", async () => {
    expect(await asAdmin().admin.hostedFacilitator.reset()).toMatchObject({ source: "none" });
    expect(
      await database.db.platformSecret.findUnique({ where: { id: HOSTED_FACILITATOR_SETTING } }),
    ).toBeNull();
    expect(
      await database.db.auditLog.count({ where: { action: "platform.hosted_facilitator.reset" } }),
    ).toBe(1);
  });

  it("refuses a merchant's owner (FORBIDDEN) on the choice and the credentials", async () => {
    const owner = callerFor(h.deps, await merchantOwner(database.db, h.merchant.id));
    expect(
      await trpcErrorCode(
        owner.admin.merchants.setFacilitator({ merchantId: h.merchant.id, facilitator: "HOSTED" }),
      ),
    ).toBe("FORBIDDEN");
    expect(await trpcErrorCode(owner.admin.hostedFacilitator.get())).toBe("FORBIDDEN");
    expect(
      await trpcErrorCode(
        owner.admin.hostedFacilitator.save({ url: "https://evil.example/x402", bearerToken: "t" }),
      ),
    ).toBe("FORBIDDEN");
  });
});
