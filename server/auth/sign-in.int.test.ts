import { randomUUID } from "node:crypto";

import { createSiweMessage } from "viem/siwe";
import { describe, expect, inject, it } from "vitest";

import { accountFor } from "@/server/chain/accounts";
import { createLogger } from "@/server/observability/logger";
import { createMemoryRateLimiter, type RateLimiter } from "@/server/rate-limit/limiter";
import { createRedisRateLimiter } from "@/server/rate-limit/redis-limiter";
import { testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword } from "@/server/users/users";

import { signInWithEthereumAttempt, signInWithPasswordAttempt, type SignInDeps } from "./sign-in";

const database = useTestDatabase();
const PASSWORD = "correct horse battery";

function signInDeps(limiter: RateLimiter = createMemoryRateLimiter()) {
  const lines: string[] = [];
  const env = testEnv({ SIGN_IN_MAX_PER_ACCOUNT: "3", SIGN_IN_MAX_PER_IP: "6" });
  const log = createLogger({
    level: "info",
    destination: { write: (line: string) => void lines.push(line) },
  });
  const deps: SignInDeps = { ...testDeps(database.db, { env, log }), signInLimiter: limiter };
  return { deps, logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function newUser() {
  const email = uniqueEmail();
  await signUpWithPassword(testDeps(database.db), { name: "Test", email, password: PASSWORD });
  return email;
}

describe("password sign-in throttling", () => {
  it("refuses an account after its budget of attempts, even with the right password, and logs it", async () => {
    const { deps, logged } = signInDeps();
    const email = await newUser();
    for (let i = 0; i < 3; i++) {
      expect(
        await signInWithPasswordAttempt(
          deps,
          { email, password: "wrong password!" },
          `198.51.100.${i}`,
        ),
      ).toEqual({ ok: false, reason: "invalid_credentials" });
    }
    const refused = await signInWithPasswordAttempt(
      deps,
      { email, password: PASSWORD },
      "198.51.100.9",
    );
    expect(refused).toMatchObject({ ok: false, reason: "throttled" });
    expect(
      refused.ok === false && "retryAfterSeconds" in refused && refused.retryAfterSeconds,
    ).toBeGreaterThan(0);
    expect(logged().find((l) => l.msg === "sign-in throttled")).toMatchObject({
      level: "warn",
      method: "password",
      scope: "account",
      ip: "198.51.100.9",
    });
    // the same email in another case is the same account
    expect(
      await signInWithPasswordAttempt(
        deps,
        { email: email.toUpperCase(), password: PASSWORD },
        "198.51.100.10",
      ),
    ).toMatchObject({ reason: "throttled" });
    // another account, from one of the same addresses, is not affected
    const other = await newUser();
    expect(
      await signInWithPasswordAttempt(deps, { email: other, password: PASSWORD }, "198.51.100.0"),
    ).toMatchObject({ ok: true });
  });

  it("a success refills its account's budget but not its IP's", async () => {
    const { deps } = signInDeps();
    const victim = await newUser();
    const attackersOwn = await newUser();
    const ip = "203.0.113.50";
    // two guesses, then a correct sign-in: the owner's typos are forgotten
    for (let i = 0; i < 2; i++)
      expect(
        await signInWithPasswordAttempt(
          deps,
          { email: victim, password: "guess number " + i },
          "192.0.2.1",
        ),
      ).toMatchObject({ ok: false });
    expect(
      await signInWithPasswordAttempt(deps, { email: victim, password: PASSWORD }, "192.0.2.1"),
    ).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++)
      expect(
        await signInWithPasswordAttempt(
          deps,
          { email: victim, password: "typo " + i },
          "192.0.2.2",
        ),
      ).toEqual({ ok: false, reason: "invalid_credentials" });

    // an attacker signing into its own account between guesses does not reset its IP (6 per window)
    const fresh = await newUser();
    const outcomes = [];
    for (const email of [
      attackersOwn,
      fresh,
      attackersOwn,
      fresh,
      attackersOwn,
      fresh,
      attackersOwn,
    ]) {
      const password = email === attackersOwn ? PASSWORD : "guess";
      outcomes.push(
        (await signInWithPasswordAttempt(deps, { email, password }, ip)).ok ? "ok" : "refused",
      );
    }
    expect(outcomes).toEqual(["ok", "refused", "ok", "refused", "ok", "refused", "refused"]);
    expect(
      await signInWithPasswordAttempt(deps, { email: attackersOwn, password: PASSWORD }, ip),
    ).toMatchObject({ reason: "throttled" });
    expect(
      await signInWithPasswordAttempt(
        deps,
        { email: attackersOwn, password: PASSWORD },
        "203.0.113.51",
      ),
    ).toMatchObject({ ok: true });
  });

  it("holds across instances when the limiter is Redis", async () => {
    const prefix = `x4g:test:${randomUUID()}:`;
    const one = createRedisRateLimiter(inject("redisUrl"), {
      log: createLogger({ level: "silent" }),
      keyPrefix: prefix,
    });
    const two = createRedisRateLimiter(inject("redisUrl"), {
      log: createLogger({ level: "silent" }),
      keyPrefix: prefix,
    });
    try {
      const a = signInDeps(one).deps;
      const b = signInDeps(two).deps;
      // one bucket per account, whichever instance the attempt reaches
      const email = await newUser();
      for (let i = 0; i < 3; i++)
        expect(
          await signInWithPasswordAttempt(
            i % 2 ? b : a,
            { email, password: "wrong one" },
            `192.0.2.${20 + i}`,
          ),
        ).toMatchObject({ reason: "invalid_credentials" });
      expect(
        await signInWithPasswordAttempt(a, { email, password: PASSWORD }, "192.0.2.30"),
      ).toMatchObject({ reason: "throttled" });
      // a success on one instance refills the account for the other
      const owner = await newUser();
      for (let i = 0; i < 2; i++)
        expect(
          await signInWithPasswordAttempt(a, { email: owner, password: "typo" }, "192.0.2.40"),
        ).toMatchObject({ reason: "invalid_credentials" });
      expect(
        await signInWithPasswordAttempt(b, { email: owner, password: PASSWORD }, "192.0.2.41"),
      ).toMatchObject({ ok: true });
      for (let i = 0; i < 3; i++)
        expect(
          await signInWithPasswordAttempt(a, { email: owner, password: "typo" }, "192.0.2.42"),
        ).toMatchObject({ reason: "invalid_credentials" });
      expect(
        await signInWithPasswordAttempt(b, { email: owner, password: PASSWORD }, "192.0.2.43"),
      ).toMatchObject({ reason: "throttled" });
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe("Sign-In with Ethereum throttling", () => {
  const nonce = "n0nce12345678";
  function message(address: `0x${string}`) {
    return createSiweMessage({
      domain: "localhost:3000",
      address,
      statement: "Sign in",
      uri: "http://localhost:3000",
      version: "1",
      chainId: 31337,
      nonce,
      issuedAt: new Date(),
    });
  }

  it("counts attempts per claimed address: forged signatures spend it, a real one is then refused too", async () => {
    const { deps } = signInDeps();
    const wallet = accountFor("spare");
    const forger = accountFor("payerB");
    const text = message(wallet.address);
    for (let i = 0; i < 3; i++) {
      const forged = await forger.signMessage({ message: text });
      expect(
        await signInWithEthereumAttempt(
          deps,
          { message: text, signature: forged, expectedNonce: nonce },
          `198.51.100.${60 + i}`,
        ),
      ).toEqual({ ok: false, reason: "bad_signature" });
    }
    const real = await wallet.signMessage({ message: text });
    expect(
      await signInWithEthereumAttempt(
        deps,
        { message: text, signature: real, expectedNonce: nonce },
        "198.51.100.70",
      ),
    ).toMatchObject({ reason: "throttled" });
  });

  it("a real signature signs in and refills the address's budget", async () => {
    const { deps } = signInDeps();
    const wallet = accountFor("payerC");
    const text = message(wallet.address);
    const forged = await accountFor("payerB").signMessage({ message: text });
    for (let i = 0; i < 2; i++)
      expect(
        await signInWithEthereumAttempt(
          deps,
          { message: text, signature: forged, expectedNonce: nonce },
          "198.51.100.80",
        ),
      ).toMatchObject({ ok: false });
    const signedIn = await signInWithEthereumAttempt(
      deps,
      {
        message: text,
        signature: await wallet.signMessage({ message: text }),
        expectedNonce: nonce,
      },
      "198.51.100.81",
    );
    expect(signedIn.ok && signedIn.user.walletAddress).toBe(wallet.address.toLowerCase());
    for (let i = 0; i < 3; i++)
      expect(
        await signInWithEthereumAttempt(
          deps,
          { message: text, signature: forged, expectedNonce: nonce },
          "198.51.100.82",
        ),
      ).toEqual({ ok: false, reason: "bad_signature" });
  });
});
