import type { PrismaClient } from "./client";
import { MIGRATION_NAMES } from "./migration-names";

// A server built from newer code than its database was migrated for fails request by request
// (a missing table or column) and its background jobs fail every second. It checks at boot
// instead and refuses to start, naming the command that fixes it. Applied migrations the build
// does not know are fine: a rollback to the previous release runs on the newer schema, which is
// why migrations only add (expand, then contract in a later release).

export type MigrationStatus = {
  /** this build's migrations the database has not applied, oldest first */
  pending: string[];
  /** migrations the database applied that this build does not know (a newer release ran) */
  unknown: string[];
};

export function compareMigrations(
  applied: readonly string[],
  expected: readonly string[] = MIGRATION_NAMES,
): MigrationStatus {
  const done = new Set(applied);
  const known = new Set(expected);
  return {
    pending: expected.filter((name) => !done.has(name)),
    unknown: applied.filter((name) => !known.has(name)),
  };
}

/** The database's finished migrations compared with this build's (none applied when the table is missing). */
export async function readMigrationStatus(
  db: PrismaClient,
  expected: readonly string[] = MIGRATION_NAMES,
): Promise<MigrationStatus> {
  const [table] = await db.$queryRawUnsafe<{ exists: boolean }[]>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`,
  );
  if (!table?.exists) return compareMigrations([], expected);
  const rows = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT migration_name AS "name" FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return compareMigrations(
    rows.map((r) => r.name),
    expected,
  );
}

/** Why this build cannot serve from the database, or null when every migration it needs is applied. */
export function pendingMigrationsProblem(
  status: MigrationStatus,
  expectedCount = MIGRATION_NAMES.length,
): string | null {
  if (status.pending.length === 0) return null;
  const which =
    status.pending.length === expectedCount
      ? "none of this build's migrations are applied (an empty database?)"
      : `${status.pending.length} of this build's ${expectedCount} migrations are not applied (${status.pending.join(", ")})`;
  return `DATABASE_URL: ${which}. Run \`npm run db:migrate\` against this database (with the same DATABASE_URL and NODE_ENV), then start again.`;
}
