import { describe, expect, it } from "vitest";

import { useTestDatabase } from "@/server/testing/int";

import { createPrismaClient } from "./client";
import { MIGRATION_NAMES } from "./migration-names";
import { pendingMigrationsProblem, readMigrationStatus } from "./migration-status";

describe("readMigrationStatus", () => {
  const t = useTestDatabase();

  it("finds nothing pending on a migrated database, and names a migration that is not applied", async () => {
    expect(await readMigrationStatus(t.db)).toEqual({ pending: [], unknown: [] });
    expect(
      await readMigrationStatus(t.db, [...MIGRATION_NAMES, "29991231000000_next_release"]),
    ).toEqual({ pending: ["29991231000000_next_release"], unknown: [] });
    expect(await readMigrationStatus(t.db, MIGRATION_NAMES.slice(0, -1))).toEqual({
      pending: [],
      unknown: [MIGRATION_NAMES.at(-1)],
    });

    // a migration the engine rolled back counts as not applied
    const last = MIGRATION_NAMES.at(-1) as string;
    await t.db.$executeRawUnsafe(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`,
      last,
    );
    try {
      const status = await readMigrationStatus(t.db);
      expect(status).toEqual({ pending: [last], unknown: [] });
      expect(pendingMigrationsProblem(status)).toContain(`(${last}). Run \`npm run db:migrate\``);
    } finally {
      await t.db.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = $1`,
        last,
      );
    }
  });

  it("treats a database without the migrations table as having none applied", async () => {
    const blank = createPrismaClient({ kind: "pglite", dataDir: null });
    try {
      const status = await readMigrationStatus(blank.db);
      expect(status).toEqual({ pending: [...MIGRATION_NAMES], unknown: [] });
      expect(pendingMigrationsProblem(status)).toMatch(
        /none of this build's migrations are applied/,
      );
    } finally {
      await blank.close();
    }
  });
});
