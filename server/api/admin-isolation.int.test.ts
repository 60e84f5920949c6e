import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import { adminRouter } from "@/server/api/routers/admin";
import { callerFor, testDeps, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// Every procedure of the admin router, found by walking the router's own procedure record (so one
// added later is covered without editing this file), called as a merchant OWNER and signed out.
// The input is deliberately empty: the role check must refuse before input is even looked at.

const database = useTestDatabase();
let owner: SessionUser;

const ADMIN_PROCEDURES = Object.keys(
  (adminRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
);

type Caller = Record<string, unknown>;
function procedureAt(caller: Caller, path: string): (input: unknown) => Promise<unknown> {
  const fn = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Caller)[key], (caller as { admin: Caller }).admin);
  return fn as (input: unknown) => Promise<unknown>;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  return err instanceof TRPCError ? err.code : "succeeded";
}

beforeAll(async () => {
  const deps = testDeps(database.db);
  owner = await signUpWithPassword(deps, {
    name: "Owner",
    email: uniqueEmail("owner"),
    password: "correct horse battery",
  });
  await callerFor(deps, owner).merchants.create({
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  });
});

describe("the admin router refuses everyone but platform admins", () => {
  it("finds the admin procedures by walking the router", () => {
    expect(ADMIN_PROCEDURES.length).toBeGreaterThanOrEqual(17);
    expect(ADMIN_PROCEDURES).toEqual(
      expect.arrayContaining([
        "merchants.approve",
        "feeTemplates.create",
        "audit.list",
        "overview.get",
      ]),
    );
  });

  it("answers FORBIDDEN to a merchant OWNER for every procedure", async () => {
    const asOwner = callerFor(testDeps(database.db), owner) as unknown as Caller;
    const results = await Promise.all(
      ADMIN_PROCEDURES.map(
        async (path) => [path, await codeOf(procedureAt(asOwner, path)({}))] as const,
      ),
    );
    expect(results.filter(([, code]) => code !== "FORBIDDEN")).toEqual([]);
  });

  it("answers UNAUTHORIZED to a signed-out caller for every procedure", async () => {
    const signedOut = callerFor(testDeps(database.db), null) as unknown as Caller;
    const results = await Promise.all(
      ADMIN_PROCEDURES.map(
        async (path) => [path, await codeOf(procedureAt(signedOut, path)({}))] as const,
      ),
    );
    expect(results.filter(([, code]) => code !== "UNAUTHORIZED")).toEqual([]);
  });

  it("leaves no trace of the refused mutations", async () => {
    expect(await database.db.auditLog.count({ where: { actorRole: "PLATFORM_ADMIN" } })).toBe(0);
    expect(await database.db.feeTemplate.count()).toBe(0);
    expect(
      (await database.db.merchant.findMany({ select: { status: true } })).map((m) => m.status),
    ).toEqual(["ACTIVE"]);
  });
});
