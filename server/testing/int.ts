import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, inject } from "vitest";

import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { Deps } from "@/server/deps";
import { parseServerEnv, type ServerEnv } from "@/server/env";
import type { PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { createTestDatabase } from "@/server/db/testing";
import { createChainClientRegistry } from "@/server/chain/clients";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";
import { DISABLED_METRICS } from "@/server/observability/metrics";
import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

/** A fresh migrated database for this test file (cloned from the run's template). */
export function useTestDatabase(): { readonly db: PrismaClient } {
  let handle: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase(inject("dbTemplate"));
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get db() {
      if (!handle) throw new Error("useTestDatabase: the database is created in beforeAll");
      return handle.db;
    },
  };
}

export function testEnv(overrides: Record<string, string> = {}): ServerEnv {
  return parseServerEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", ...overrides });
}

export function testDeps(db: PrismaClient, overrides: Partial<Deps> = {}): Deps {
  const env = overrides.env ?? testEnv();
  return {
    db,
    env,
    log: createLogger({ level: env.LOG_LEVEL }),
    now: () => new Date(),
    chains: overrides.chains ?? createChainClientRegistry(getNetworkRegistry(env), undefined),
    metrics: DISABLED_METRICS,
    signInLimiter: createMemoryRateLimiter(),
    // the console's test call needs a gateway: tests that make one pass it (createGatewayHarness's runtime)
    gateway: () =>
      Promise.reject(new Error("these test deps have no gateway: pass `gateway` to testDeps")),
    ...overrides,
  };
}

/**
 * A tRPC caller acting as `user` (or signed out), through the real middleware chain. The session
 * was signed into just now unless `signedInAt` (ms) says otherwise (null: a token from before the claim).
 */
export function callerFor(
  deps: Deps,
  user: Pick<SessionUser, "id" | "role" | "sessionVersion"> | null,
  opts: { signedInAt?: number | null } = {},
) {
  return createCaller(
    createTRPCContext({
      deps,
      session: user
        ? {
            userId: user.id,
            role: user.role,
            sessionVersion: user.sessionVersion,
            signedInAt: opts.signedInAt === undefined ? Date.now() : opts.signedInAt,
          }
        : null,
      requestId: createId("request"),
      ip: "127.0.0.1",
    }),
  );
}

/** A tRPC caller acting as one of a merchant's API keys (as the public REST API builds it). */
export function keyCallerFor(
  deps: Deps,
  key: { keyId: string; merchantId: string; scopes: string[] },
) {
  return createCaller(
    createTRPCContext({
      deps,
      session: null,
      apiKey: key,
      requestId: createId("request"),
      ip: "127.0.0.1",
    }),
  );
}

let counter = 0;
/** A unique email per call so test files can share nothing and run in parallel. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}@test.x402.local`;
}

/** The session user who owns a merchant (e.g. the one a gateway harness created). */
export async function merchantOwner(db: PrismaClient, merchantId: string): Promise<SessionUser> {
  const membership = await db.membership.findFirstOrThrow({
    where: { merchantId, role: "OWNER" },
    select: { userId: true },
  });
  // owners in tests sign up with a password: no wallet to open
  const user = await db.user.findUniqueOrThrow({
    where: { id: membership.userId },
    select: { id: true, email: true, name: true, role: true, sessionVersion: true },
  });
  return { ...user, walletAddress: null };
}

/** The code of the TRPCError a call fails with; anything else (success included) fails the test. */
export async function trpcErrorCode(promise: Promise<unknown>): Promise<TRPCError["code"]> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return (err as TRPCError).code;
}

/** A signed-up user promoted to platform administrator (the seed does the same for the demo admin). */
export async function platformAdmin(db: PrismaClient): Promise<SessionUser> {
  const deps = testDeps(db);
  const user = await signUpWithPassword(deps, {
    name: "Admin",
    email: uniqueEmail("admin"),
    password: "a long enough password",
  });
  await db.user.update({ where: { id: user.id }, data: { role: "PLATFORM_ADMIN" } });
  return { ...user, role: "PLATFORM_ADMIN" };
}
