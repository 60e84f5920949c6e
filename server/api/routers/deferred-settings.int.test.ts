import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import {
  callerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// The merchant's DEFERRED settlement switch and per-payer cap through the real middleware chain.

const database = useTestDatabase();
let owner: SessionUser;
let developer: SessionUser;
let merchantId: string;

beforeAll(async () => {
  const deps = testDeps(database.db);
  const user = (name: string) =>
    signUpWithPassword(deps, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [owner, developer] = await Promise.all([user("owner"), user("dev")]);
  merchantId = (
    await callerFor(deps, owner).merchants.create({
      name: "Deferred Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
  await database.db.membership.create({
    data: { id: `mem_defer_${Date.now()}`, merchantId, userId: developer.id, role: "DEVELOPER" },
  });
});

describe("deferred settlement settings", () => {
  it("are off by default, and an owner turns them on with a cap, audited", async () => {
    const api = callerFor(testDeps(database.db), owner).merchants;
    expect(await api.deferredSettings({ merchantId })).toEqual({
      enabled: false,
      maxUnsettledPerPayer: null,
      queued: { count: 0, amountAtomic: "0" },
      flaggedPayers: 0,
    });
    const updated = await api.updateDeferredSettings({
      merchantId,
      enabled: true,
      maxUnsettledPerPayer: "2.5",
    });
    expect(updated).toMatchObject({ enabled: true, maxUnsettledPerPayer: "2.5" });
    const stored = await database.db.merchant.findUniqueOrThrow({ where: { id: merchantId } });
    expect(stored.maxUnsettledPerPayer?.toFixed()).toBe("2500000");
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { merchantId, action: "merchant.deferred_settlement.update" },
    });
    expect(audit.after).toMatchObject({ deferredSettlementOn: true });
  });

  it.each([["-1"], ["0"], ["abc"], ["1.0000001"]])(
    "refuse the cap %s with a field error",
    async (cap) => {
      const err = await callerFor(testDeps(database.db), owner)
        .merchants.updateDeferredSettings({ merchantId, enabled: true, maxUnsettledPerPayer: cap })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      expect(JSON.stringify((err as TRPCError).cause)).toContain("maxUnsettledPerPayer");
    },
  );

  it("can be read but not changed by a DEVELOPER", async () => {
    const api = callerFor(testDeps(database.db), developer).merchants;
    expect((await api.deferredSettings({ merchantId })).enabled).toBe(true);
    expect(
      await trpcErrorCode(
        api.updateDeferredSettings({ merchantId, enabled: false, maxUnsettledPerPayer: null }),
      ),
    ).toBe("FORBIDDEN");
  });
});
