import { spawn } from "node:child_process";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyPassword } from "@/server/crypto/password";
import { createSharedDatabase, type SharedDatabase } from "@/server/testing/shared-database";
import { testDeps, uniqueEmail } from "@/server/testing/int";
import { signUpWithPassword } from "@/server/users/users";

// `npm run admin:create` as an operator runs it: the real entry point in a child process, the
// password piped on stdin, against a database the test opens before and after (PGlite directory or
// a PostgreSQL clone of the migrated template).

let shared: SharedDatabase;
beforeAll(async () => {
  shared = await createSharedDatabase();
});
afterAll(async () => {
  await shared?.close();
});

async function runCli(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "server/cli/admin-create.ts", ...args],
    {
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: shared.url },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, out };
}

describe("npm run admin:create", () => {
  it("creates a platform admin with the password piped on stdin, audited as SYSTEM", async () => {
    const email = uniqueEmail("ops");
    const { code, out } = await runCli(["--email", email, "--name", "Ops"], "piped password 123\n");
    expect(out).toContain(`created platform admin ${email}`);
    expect(code).toBe(0);
    await shared.withDb(async (db) => {
      const user = await db.user.findUniqueOrThrow({
        where: { email },
        select: { id: true, name: true, role: true, passwordHash: true },
      });
      expect(user).toMatchObject({ name: "Ops", role: "PLATFORM_ADMIN" });
      // the newline that ends the piped line is not part of the password
      expect(await verifyPassword(user.passwordHash ?? "", "piped password 123")).toBe(true);
      const audit = await db.auditLog.findMany({
        where: { targetId: user.id },
        select: { action: true, actorRole: true, actorUserId: true, requestId: true },
      });
      expect(audit).toEqual([
        {
          action: "platform_admin.create",
          actorRole: "SYSTEM",
          actorUserId: null,
          requestId: "cli:admin:create",
        },
      ]);
    });
  });

  it("refuses a password the sign-up rules refuse, and creates nothing", async () => {
    const email = uniqueEmail("weak");
    const { code, out } = await runCli(["--email", email], "short\n");
    expect(code).toBe(1);
    expect(out).toContain("password refused: Use at least 10 characters");
    await shared.withDb(async (db) => expect(await db.user.count({ where: { email } })).toBe(0));
  });

  it("promotes an existing account without reading a password", async () => {
    const email = uniqueEmail("member");
    const userId = await shared.withDb(
      async (db) =>
        (
          await signUpWithPassword(testDeps(db), {
            name: "M",
            email,
            password: "their own password",
          })
        ).id,
    );
    const { code, out } = await runCli([`--email=${email.toUpperCase()}`], "");
    expect(out).toContain(`promoted ${email} (${userId}) to platform admin`);
    expect(code).toBe(0);
    await shared.withDb(async (db) => {
      const user = await db.user.findUniqueOrThrow({
        where: { id: userId },
        select: { role: true, passwordHash: true },
      });
      expect(user.role).toBe("PLATFORM_ADMIN");
      expect(await verifyPassword(user.passwordHash ?? "", "their own password")).toBe(true);
    });
  });

  it("prints its usage and exits 2 without --email", async () => {
    const { code, out } = await runCli([], "");
    expect(code).toBe(2);
    expect(out).toContain("usage: npm run admin:create -- --email <email>");
  });
});
