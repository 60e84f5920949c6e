import { beforeAll, describe, expect, it } from "vitest";

import {
  callerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// The merchant's batch-settlement thresholds through the real middleware chain.

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
      name: "Batch Inc",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
  await database.db.membership.create({
    data: { id: `mem_batch_${Date.now()}`, merchantId, userId: developer.id, role: "DEVELOPER" },
  });
});

describe("batch-settlement settings", () => {
  it("default to 100 calls or 300 s, and an owner changes them, audited", async () => {
    const api = callerFor(testDeps(database.db), owner).merchants;
    expect(await api.batchSettings({ merchantId })).toEqual({
      maxCalls: 100,
      maxAgeSeconds: 300,
      accrued: { count: 0, amountAtomic: "0" },
    });
    expect(
      await api.updateBatchSettings({ merchantId, maxCalls: 20, maxAgeSeconds: 60 }),
    ).toMatchObject({ maxCalls: 20, maxAgeSeconds: 60 });
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { merchantId, action: "merchant.batch_settlement.update" },
    });
    expect(audit.after).toMatchObject({ batchMaxCalls: 20, batchMaxAgeSeconds: 60 });
  });

  it.each([
    [{ maxCalls: 0, maxAgeSeconds: 60 }, "maxCalls"],
    [{ maxCalls: 10, maxAgeSeconds: 5 }, "maxAgeSeconds"],
    // past the channels' withdraw delay a payer could take back what was never claimed
    [{ maxCalls: 10, maxAgeSeconds: 900 }, "maxAgeSeconds"],
  ])("refuses %j with a field error on %s", async (input, field) => {
    const call = () =>
      callerFor(testDeps(database.db), owner).merchants.updateBatchSettings({
        merchantId,
        ...input,
      });
    expect(await trpcErrorCode(call())).toBe("BAD_REQUEST");
    const err = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(JSON.stringify((err as { cause?: unknown }).cause ?? err)).toContain(field);
  });

  it("refuses a developer", async () => {
    expect(
      await trpcErrorCode(
        callerFor(testDeps(database.db), developer).merchants.updateBatchSettings({
          merchantId,
          maxCalls: 5,
          maxAgeSeconds: 60,
        }),
      ),
    ).toBe("FORBIDDEN");
  });
});
