import { readdirSync, statSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { MIGRATION_NAMES } from "./migration-names";
import { compareMigrations, pendingMigrationsProblem } from "./migration-status";

describe("migration status", () => {
  it("lists exactly the committed migrations, oldest first (npm run db:migration regenerates it)", () => {
    const dir = path.join(process.cwd(), "prisma", "migrations");
    const committed = readdirSync(dir)
      .filter((name) => statSync(path.join(dir, name)).isDirectory())
      .sort((a, b) => a.localeCompare(b));
    expect(MIGRATION_NAMES).toEqual(committed);
  });

  it("names the pending migrations and tolerates newer ones", () => {
    const expected = ["1_init", "2_jobs", "3_secrets"];
    expect(compareMigrations(["1_init", "2_jobs", "3_secrets"], expected)).toEqual({
      pending: [],
      unknown: [],
    });
    expect(
      compareMigrations(["1_init", "2_jobs", "3_secrets", "4_next_release"], expected),
    ).toEqual({ pending: [], unknown: ["4_next_release"] });
    expect(compareMigrations(["1_init"], expected)).toEqual({
      pending: ["2_jobs", "3_secrets"],
      unknown: [],
    });
    expect(compareMigrations([], expected)).toEqual({ pending: expected, unknown: [] });
  });

  it("explains what to run, and says nothing when the database is current", () => {
    expect(pendingMigrationsProblem({ pending: [], unknown: ["4_next_release"] }, 3)).toBeNull();
    expect(pendingMigrationsProblem({ pending: ["2_jobs", "3_secrets"], unknown: [] }, 3)).toBe(
      "DATABASE_URL: 2 of this build's 3 migrations are not applied (2_jobs, 3_secrets). Run `npm run db:migrate` against this database (with the same DATABASE_URL and NODE_ENV), then start again.",
    );
    expect(
      pendingMigrationsProblem({ pending: ["1_init", "2_jobs", "3_secrets"], unknown: [] }, 3),
    ).toMatch(
      /^DATABASE_URL: none of this build's migrations are applied \(an empty database\?\)\. Run `npm run db:migrate`/,
    );
  });
});
