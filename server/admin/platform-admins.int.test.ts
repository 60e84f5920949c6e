import { describe, expect, it } from "vitest";

import { verifyPassword } from "@/server/crypto/password";
import { AppError } from "@/server/errors";
import {
  callerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import {
  bootstrapPlatformAdmin,
  grantPlatformAdmin,
  listPlatformAdmins,
  revokePlatformAdmin,
} from "./platform-admins";

// One database for the file and the admin count is platform-wide, so the tests run in order and
// each leaves the world as the next expects: every test brings its own admins and removes the
// ones it no longer needs.

const database = useTestDatabase();
const SYSTEM = { role: "SYSTEM", requestId: "cli:admin:create" };

async function user(label: string): Promise<SessionUser> {
  return signUpWithPassword(testDeps(database.db), {
    name: label,
    email: uniqueEmail(label),
    password: "a long enough password",
  });
}

async function appErrorCode(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

async function activeAdminIds(): Promise<string[]> {
  return (await listPlatformAdmins({ db: database.db })).map((a) => a.id);
}

async function auditFor(targetId: string) {
  const rows = await database.db.auditLog.findMany({
    where: { targetId, action: { startsWith: "platform_admin." } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({
    action: r.action,
    actorUserId: r.actorUserId,
    actorRole: r.actorRole,
    before: r.before,
    after: r.after,
  }));
}

describe("bootstrapPlatformAdmin (npm run admin:create)", () => {
  it("creates an admin who can sign in with the given password, audited as SYSTEM", async () => {
    const email = uniqueEmail("first-admin");
    const result = await bootstrapPlatformAdmin(
      { db: database.db },
      { actor: SYSTEM, input: { email, password: "correct horse battery" } },
    );
    expect(result.outcome).toBe("created");
    const row = await database.db.user.findUniqueOrThrow({
      where: { id: result.userId },
      select: { role: true, status: true, passwordHash: true },
    });
    expect(row.role).toBe("PLATFORM_ADMIN");
    expect(row.status).toBe("ACTIVE");
    expect(await verifyPassword(row.passwordHash ?? "", "correct horse battery")).toBe(true);
    expect(await auditFor(result.userId)).toEqual([
      {
        action: "platform_admin.create",
        actorUserId: null,
        actorRole: "SYSTEM",
        before: null,
        after: { email, role: "PLATFORM_ADMIN" },
      },
    ]);
    // running it again changes nothing and writes no second audit row
    expect(
      (await bootstrapPlatformAdmin({ db: database.db }, { actor: SYSTEM, input: { email } }))
        .outcome,
    ).toBe("unchanged");
    expect(await auditFor(result.userId)).toHaveLength(1);
  });

  it("promotes an existing user without touching their password", async () => {
    const u = await user("existing");
    const result = await bootstrapPlatformAdmin(
      { db: database.db },
      { actor: SYSTEM, input: { email: u.email ?? "" } },
    );
    expect(result).toEqual({ userId: u.id, email: u.email, outcome: "promoted" });
    const row = await database.db.user.findUniqueOrThrow({
      where: { id: u.id },
      select: { role: true, passwordHash: true },
    });
    expect(row.role).toBe("PLATFORM_ADMIN");
    expect(await verifyPassword(row.passwordHash ?? "", "a long enough password")).toBe(true);
    expect((await auditFor(u.id)).map((a) => a.action)).toEqual(["platform_admin.grant"]);
  });

  it("refuses a weak password and a missing one for a new account, creating nothing", async () => {
    const email = uniqueEmail("weak");
    await expect(
      bootstrapPlatformAdmin(
        { db: database.db },
        { actor: SYSTEM, input: { email, password: "short" } },
      ),
    ).rejects.toThrow(/at least 10 characters/);
    expect(
      await appErrorCode(
        bootstrapPlatformAdmin({ db: database.db }, { actor: SYSTEM, input: { email } }),
      ),
    ).toBe("invalid_request");
    expect(await database.db.user.count({ where: { email } })).toBe(0);
  });
});

describe("granting and revoking platform admins", () => {
  it("grants by the email of an existing user, audited with the acting admin, and refuses unknown or repeated grants", async () => {
    const [actingId] = await activeAdminIds();
    const actor = { userId: actingId, role: "PLATFORM_ADMIN" };
    const u = await user("grantee");
    await grantPlatformAdmin({ db: database.db }, { actor, email: (u.email ?? "").toUpperCase() });
    expect(await activeAdminIds()).toContain(u.id);
    expect(await auditFor(u.id)).toEqual([
      {
        action: "platform_admin.grant",
        actorUserId: actingId,
        actorRole: "PLATFORM_ADMIN",
        before: { role: "USER" },
        after: { role: "PLATFORM_ADMIN" },
      },
    ]);
    expect(
      await appErrorCode(grantPlatformAdmin({ db: database.db }, { actor, email: u.email ?? "" })),
    ).toBe("conflict");
    expect(
      await appErrorCode(
        grantPlatformAdmin({ db: database.db }, { actor, email: uniqueEmail("nobody") }),
      ),
    ).toBe("not_found");
  });

  it("demotes and removes admins, ending their sessions, but never the last one", async () => {
    const admins = await activeAdminIds();
    expect(admins.length).toBeGreaterThanOrEqual(3);
    const [keep, ...rest] = admins as [string, ...string[]];
    const actor = { userId: keep, role: "PLATFORM_ADMIN" };
    const [removed, ...demoted] = rest as [string, ...string[]];
    const before = await database.db.user.findUniqueOrThrow({
      where: { id: removed },
      select: { sessionVersion: true },
    });
    await revokePlatformAdmin(
      { db: database.db },
      { actor, userId: removed, disableAccount: true },
    );
    const after = await database.db.user.findUniqueOrThrow({
      where: { id: removed },
      select: { role: true, status: true, sessionVersion: true },
    });
    expect(after).toEqual({
      role: "USER",
      status: "DISABLED",
      sessionVersion: before.sessionVersion + 1,
    });
    expect((await auditFor(removed)).at(-1)).toEqual({
      action: "platform_admin.remove",
      actorUserId: keep,
      actorRole: "PLATFORM_ADMIN",
      before: { role: "PLATFORM_ADMIN", status: "ACTIVE" },
      after: { role: "USER", status: "DISABLED" },
    });
    for (const id of demoted) await revokePlatformAdmin({ db: database.db }, { actor, userId: id });
    expect(await activeAdminIds()).toEqual([keep]);

    const auditRows = await database.db.auditLog.count();
    expect(
      await appErrorCode(revokePlatformAdmin({ db: database.db }, { actor, userId: keep })),
    ).toBe("conflict");
    expect(
      await appErrorCode(
        revokePlatformAdmin({ db: database.db }, { actor, userId: keep, disableAccount: true }),
      ),
    ).toBe("conflict");
    expect(await activeAdminIds()).toEqual([keep]);
    expect(await database.db.auditLog.count()).toBe(auditRows);
    // a user who is not an admin is not found, whatever their id
    expect(
      await appErrorCode(revokePlatformAdmin({ db: database.db }, { actor, userId: removed })),
    ).toBe("not_found");
  });

  it("two admins demoting each other at the same moment leave exactly one admin", async () => {
    const [keep] = (await activeAdminIds()) as [string];
    const b = await user("racer-b");
    await grantPlatformAdmin(
      { db: database.db },
      { actor: { userId: keep, role: "PLATFORM_ADMIN" }, email: b.email ?? "" },
    );
    for (let round = 0; round < 5; round += 1) {
      const [x, y] = (await activeAdminIds()) as [string, string];
      const results = await Promise.allSettled([
        revokePlatformAdmin(
          { db: database.db },
          { actor: { userId: x, role: "PLATFORM_ADMIN" }, userId: y },
        ),
        revokePlatformAdmin(
          { db: database.db },
          { actor: { userId: y, role: "PLATFORM_ADMIN" }, userId: x },
        ),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect((rejected?.reason as AppError).code).toBe("conflict");
      const left = await activeAdminIds();
      expect(left).toHaveLength(1);
      // put the demoted one back for the next round
      const demoted = left[0] === x ? y : x;
      const email =
        (
          await database.db.user.findUniqueOrThrow({
            where: { id: demoted },
            select: { email: true },
          })
        ).email ?? "";
      await grantPlatformAdmin(
        { db: database.db },
        { actor: { userId: left[0], role: "PLATFORM_ADMIN" }, email },
      );
    }
  });
});

describe("admin.admins through tRPC", () => {
  it("lists, grants and revokes as a platform admin; a plain user is FORBIDDEN", async () => {
    const [keepId] = (await activeAdminIds()) as [string];
    const keep = await database.db.user.findUniqueOrThrow({
      where: { id: keepId },
      select: { id: true, role: true, sessionVersion: true },
    });
    const asAdmin = callerFor(testDeps(database.db), keep).admin.admins;
    const u = await user("via-trpc");
    const granted = await asAdmin.grant({ email: u.email ?? "" });
    expect(granted.id).toBe(u.id);
    expect((await asAdmin.list()).map((a) => a.id)).toContain(u.id);
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { targetId: u.id, action: "platform_admin.grant" },
    });
    expect(audit).toMatchObject({
      actorUserId: keepId,
      actorRole: "PLATFORM_ADMIN",
      ip: "127.0.0.1",
    });
    for (const other of (await asAdmin.list()).filter((a) => a.id !== keepId))
      await asAdmin.revoke({ userId: other.id });
    expect((await asAdmin.list()).map((a) => a.id)).toEqual([keepId]);
    expect(await trpcErrorCode(asAdmin.revoke({ userId: keepId }))).toBe("CONFLICT");

    const plain = await user("plain");
    expect(
      await trpcErrorCode(
        callerFor(testDeps(database.db), plain).admin.admins.grant({ email: plain.email ?? "" }),
      ),
    ).toBe("FORBIDDEN");
    expect(await trpcErrorCode(callerFor(testDeps(database.db), plain).admin.admins.list())).toBe(
      "FORBIDDEN",
    );
  });
});
