import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

import { parseServerEnv, resetEnvForTests } from "@/server/env";
import { payoutAddressColumns } from "@/server/merchants/merchants";

import { checkDatabaseConnection, createPrismaClient, getDb } from "./client";
import { createId } from "./ids";
import { fromAtomic, toAtomic } from "./money";
import {
  createTestDatabase,
  prepareTestDatabases,
  teardownTestDatabases,
  type TestDatabase,
  type TestDbTemplate,
} from "./testing";

// Uses the run's template when server/testing/global-setup.ts provides one, else makes its own,
// so this file also runs under a config without that global setup.
let ownTemplate: TestDbTemplate | undefined;
let database: TestDatabase;

beforeAll(async () => {
  let template = inject("dbTemplate") as TestDbTemplate | undefined;
  if (!template) {
    ownTemplate = await prepareTestDatabases();
    template = ownTemplate;
  }
  database = await createTestDatabase(template);
});

afterAll(async () => {
  await database?.close();
  if (ownTemplate) await teardownTestDatabases(ownTemplate);
});

async function seedOwner() {
  const { db } = database;
  const user = await db.user.create({
    data: {
      id: createId("user"),
      email: `${createId("user")}@test.x402.local`,
      passwordHash: "argon2id$fake",
    },
  });
  const merchant = await db.merchant.create({
    data: {
      id: createId("merchant"),
      name: "Weather API",
      upstreamBaseUrl: "http://127.0.0.1:9/",
      ...payoutAddressColumns("0x0000000000000000000000000000000000000001", parseServerEnv({})),
      memberships: { create: { id: createId("membership"), userId: user.id, role: "OWNER" } },
    },
    include: { memberships: true },
  });
  return { user, merchant };
}

describe("createPrismaClient on a migrated database", () => {
  it("creates a user, a merchant and its owner membership", async () => {
    const { user, merchant } = await seedOwner();
    expect(merchant.status).toBe("PENDING_REVIEW");
    expect(merchant.memberships).toEqual([
      expect.objectContaining({ userId: user.id, role: "OWNER" }),
    ]);
  });

  it("omits secret columns unless a query asks for them", async () => {
    const { user } = await seedOwner();
    const { db } = database;
    expect(user).not.toHaveProperty("passwordHash");
    const read = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(read).not.toHaveProperty("passwordHash");
    const inTransaction = await db.$transaction((tx) =>
      tx.user.findUniqueOrThrow({ where: { id: user.id } }),
    );
    expect(inTransaction).not.toHaveProperty("passwordHash");
    const withHash = await db.user.findUniqueOrThrow({
      where: { id: user.id },
      omit: { passwordHash: false },
    });
    expect(withHash.passwordHash).toBe("argon2id$fake");
  });

  it("stores uint256 amounts in Decimal(78,0) without losing a digit", async () => {
    const { merchant } = await seedOwner();
    const { db } = database;
    const amount = 2n ** 256n - 1n;
    const rule = await db.pricingRule.create({
      data: {
        id: createId("pricingRule"),
        merchantId: merchant.id,
        pathPattern: "/v1/*",
        priceAtomic: fromAtomic(amount),
        network: "eip155:31337",
        asset: "0x0000000000000000000000000000000000000002",
      },
    });
    const read = await db.pricingRule.findUniqueOrThrow({ where: { id: rule.id } });
    expect(toAtomic(read.priceAtomic)).toBe(amount);
  });
});

describe("database configuration errors", () => {
  it("explains a malformed DATABASE_URL without echoing its password", () => {
    vi.stubEnv("DATABASE_URL", "mysql://root:hunter2@db.example/app");
    resetEnvForTests();
    try {
      expect(() => getDb()).toThrow(/DATABASE_URL.*\n.*pglite:/s);
      expect(() => getDb()).not.toThrow(/hunter2/);
    } finally {
      vi.unstubAllEnvs();
      resetEnvForTests();
    }
  });

  it(
    "says which PostgreSQL it cannot reach, quickly and without the password",
    { timeout: 15_000 },
    async () => {
      const handle = createPrismaClient({
        kind: "postgres",
        url: "postgresql://postgres:s3cret@127.0.0.1:1/x",
      });
      try {
        const error = await checkDatabaseConnection(handle.db).then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(error?.message).toMatch(
          /^cannot reach PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\)/,
        );
        expect(error?.message).not.toContain("s3cret");
      } finally {
        await handle.close();
      }
    },
  );
});
