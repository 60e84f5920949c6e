import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";

import { callerFor, testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { authenticateWithPassword, signUpWithPassword } from "@/server/users/users";

const database = useTestDatabase();

const MERCHANT_INPUT = {
  name: "Acme Signals",
  upstreamBaseUrl: "https://api.example.com/v1/",
  payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

async function expectTrpcError(promise: Promise<unknown>, code: TRPCError["code"]) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

async function newUser(role: "USER" | "PLATFORM_ADMIN" = "USER") {
  const deps = testDeps(database.db);
  return signUpWithPassword(deps, {
    name: "Test",
    email: uniqueEmail(),
    password: "correct horse battery",
    role,
  });
}

describe("sign-up and sign-in", () => {
  it("creates an account, and answers a taken email as it answers a new one", async () => {
    const deps = testDeps(database.db, { signInLimiter: createMemoryRateLimiter() });
    const email = uniqueEmail();
    const created = await callerFor(deps, null).auth.signUp({
      name: "Ada",
      email,
      password: "long enough password",
    });
    expect(created).toEqual({ accepted: true });
    expect(
      await authenticateWithPassword(deps, { email, password: "long enough password" }),
    ).toMatchObject({ ok: true });
    expect(
      await callerFor(deps, null).auth.signUp({
        name: "Ada",
        email,
        password: "long enough password",
      }),
    ).toEqual(created);
  });

  it("rejects a short password with a zod field error", async () => {
    const deps = testDeps(database.db);
    await expectTrpcError(
      callerFor(deps, null).auth.signUp({ name: "Ada", email: uniqueEmail(), password: "short" }),
      "BAD_REQUEST",
    );
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const deps = testDeps(database.db);
    const user = await newUser();
    expect(
      await authenticateWithPassword(deps, {
        email: user.email ?? "",
        password: "wrong password!",
      }),
    ).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
    expect(
      await authenticateWithPassword(deps, {
        email: uniqueEmail("nobody"),
        password: "whatever it is",
      }),
    ).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
    const ok = await authenticateWithPassword(deps, {
      email: user.email ?? "",
      password: "correct horse battery",
    });
    expect(ok.ok && ok.user.id).toBe(user.id);
  });

  it("revokes existing sessions when the password changes", async () => {
    const deps = testDeps(database.db);
    const user = await newUser();
    const oldSession = callerFor(deps, user);
    await oldSession.auth.changePassword({
      currentPassword: "correct horse battery",
      newPassword: "a brand new password",
    });
    await expectTrpcError(oldSession.merchants.listMine(), "UNAUTHORIZED");
    await expectTrpcError(
      callerFor(deps, { ...user, sessionVersion: user.sessionVersion + 1 }).auth.changePassword({
        currentPassword: "not the password",
        newPassword: "another new password",
      }),
      "BAD_REQUEST",
    );
  });
});

describe("merchant procedures", () => {
  it("refuses a call without a session", async () => {
    const deps = testDeps(database.db);
    await expectTrpcError(callerFor(deps, null).merchants.listMine(), "UNAUTHORIZED");
    await expectTrpcError(callerFor(deps, null).merchants.create(MERCHANT_INPUT), "UNAUTHORIZED");
  });

  it("creates a merchant owned by the user and lists it", async () => {
    const deps = testDeps(database.db);
    const user = await newUser();
    const merchant = await callerFor(deps, user).merchants.create(MERCHANT_INPUT);
    expect(merchant.id).toMatch(/^mer_[0-9a-z]{20}$/);
    expect(merchant.upstreamBaseUrl).toBe("https://api.example.com/v1");
    expect(merchant.payoutAddress).toBe(MERCHANT_INPUT.payoutAddress.toLowerCase());
    expect(merchant.status).toBe("ACTIVE");
    const mine = await callerFor(deps, user).merchants.listMine();
    expect(mine.map((m) => [m.id, m.role])).toEqual([[merchant.id, "OWNER"]]);
    const audit = await database.db.auditLog.findMany({ where: { merchantId: merchant.id } });
    expect(audit.map((a) => a.action)).toEqual(["merchant.create"]);
  });

  it("starts merchants PENDING_REVIEW when the platform requires review", async () => {
    const deps = testDeps(database.db, { env: testEnv({ AUTO_APPROVE_MERCHANTS: "false" }) });
    const user = await newUser();
    const merchant = await callerFor(deps, user).merchants.create(MERCHANT_INPUT);
    expect(merchant.status).toBe("PENDING_REVIEW");
  });

  it("answers NOT_FOUND for another merchant's id, never revealing it", async () => {
    const deps = testDeps(database.db);
    const owner = await newUser();
    const stranger = await newUser();
    const merchant = await callerFor(deps, owner).merchants.create(MERCHANT_INPUT);
    await expectTrpcError(
      callerFor(deps, stranger).merchants.get({ merchantId: merchant.id }),
      "NOT_FOUND",
    );
    await expectTrpcError(
      callerFor(deps, stranger).merchants.get({ merchantId: "mer_00000000000000000000" }),
      "NOT_FOUND",
    );
    await expectTrpcError(
      callerFor(deps, stranger).merchants.get({ merchantId: "not-an-id" }),
      "BAD_REQUEST",
    );
  });

  it("applies the SSRF rules to the upstream URL with a field error", async () => {
    const deps = testDeps(database.db, { env: testEnv({ ALLOW_PRIVATE_UPSTREAMS: "false" }) });
    const user = await newUser();
    const err = await expectTrpcError(
      callerFor(deps, user).merchants.create({
        ...MERCHANT_INPUT,
        upstreamBaseUrl: "http://169.254.169.254/latest",
      }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/Private, loopback and link-local/);
    await expectTrpcError(
      callerFor(deps, user).merchants.create({ ...MERCHANT_INPUT, payoutAddress: "0x123" }),
      "BAD_REQUEST",
    );
  });
});

describe("platform admin procedures", () => {
  it("are UNAUTHORIZED signed out, FORBIDDEN for a merchant user, and open to a platform admin", async () => {
    const deps = testDeps(database.db);
    const merchantUser = await newUser();
    await callerFor(deps, merchantUser).merchants.create(MERCHANT_INPUT);
    const admin = await newUser("PLATFORM_ADMIN");
    await expectTrpcError(callerFor(deps, null).admin.merchants.list({}), "UNAUTHORIZED");
    await expectTrpcError(callerFor(deps, merchantUser).admin.merchants.list({}), "FORBIDDEN");
    const page = await callerFor(deps, admin).admin.merchants.list({ limit: 100 });
    expect(page.items.length).toBeGreaterThan(0);
  });
});
