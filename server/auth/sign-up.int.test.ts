import { describe, expect, it } from "vitest";

import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { callerFor, testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { authenticateWithPassword } from "@/server/users/users";

// Sign-up is throttled per client IP and per email, and answers a taken email exactly as it
// answers a new one (no "already exists"), so it cannot be used to list the platform's accounts.

const database = useTestDatabase();
const PASSWORD = "correct horse battery";

function depsWith(limits: { SIGN_UP_MAX_PER_IP?: string } = {}) {
  return testDeps(database.db, { env: testEnv(limits), signInLimiter: createMemoryRateLimiter() });
}

describe("sign-up", () => {
  it("answers a taken email exactly as a new one, and leaves the existing account untouched", async () => {
    const deps = depsWith();
    const email = uniqueEmail();
    const caller = callerFor(deps, null);
    const first = await caller.auth.signUp({ name: "Ada", email, password: PASSWORD });
    const second = await caller.auth.signUp({
      name: "Mallory",
      email,
      password: "mallory's password",
    });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).not.toContain(email);
    // the original password still signs in; the second one does not
    expect(await authenticateWithPassword(deps, { email, password: PASSWORD })).toMatchObject({
      ok: true,
    });
    expect(
      await authenticateWithPassword(deps, { email, password: "mallory's password" }),
    ).toMatchObject({ ok: false });
    const user = await database.db.user.findUniqueOrThrow({
      where: { email },
      select: { name: true },
    });
    expect(user.name).toBe("Ada");
  });

  it("refuses more sign-ups from one client IP than its budget", async () => {
    const deps = depsWith({ SIGN_UP_MAX_PER_IP: "3" });
    const caller = callerFor(deps, null);
    for (let i = 0; i < 3; i++)
      await caller.auth.signUp({ name: "Bot", email: uniqueEmail(`bot${i}`), password: PASSWORD });
    const refused = await caller.auth
      .signUp({ name: "Bot", email: uniqueEmail("bot-late"), password: PASSWORD })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    // the refused attempt created nothing
    expect(await database.db.user.count({ where: { email: { startsWith: "bot-late" } } })).toBe(0);
  });
});
