import "dotenv/config";

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { runCommand } from "@/server/cli/run-command";
import { getEnv } from "@/server/env";
import { parseDatabaseUrl, redactDatabaseUrl, type DatabaseConfig } from "@/server/db/config";
import {
  applyMigrations,
  createMigration,
  diffMigrationsAgainstSchema,
} from "@/server/db/schema-engine";
import { sealLegacyValues } from "@/server/keys/reseal";
import { openSql } from "@/server/keys/sql";

// Our migration runner's CLI (STYLE 2.6; the Prisma CLI cannot download its engine here):
//   tsx prisma/migrate.ts apply          npm run db:migrate
//   tsx prisma/migrate.ts create <name>  npm run db:migration -- <name>
//   tsx prisma/migrate.ts diff           exit 1 when schema.prisma and the migrations disagree
// It always exits explicitly (runCommand): a pg pool left open would keep the process alive.

const USAGE = "usage: tsx prisma/migrate.ts apply | create <name> | diff";

function describe(config: DatabaseConfig): string {
  if (config.kind === "postgres") return `PostgreSQL ${redactDatabaseUrl(config.url)}`;
  return `PGlite ${config.dataDir === null ? "(in memory)" : path.resolve(config.dataDir)}`;
}

function databaseConfig(): DatabaseConfig {
  const env = getEnv();
  return parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR);
}

async function sealLegacy(config: DatabaseConfig): Promise<string> {
  // plain SQL: this step runs before the Prisma client is generated (migrate image, Vercel's build)
  const handle = openSql(config);
  try {
    const reports = await sealLegacyValues({ sql: handle.sql, env: getEnv() });
    const failed = reports.filter((r) => r.failed > 0);
    if (failed.length > 0)
      throw new Error(
        `sealing clear values failed: ${failed.map((r) => `${r.table} ${r.label}: ${r.firstError}`).join("; ")}`,
      );
    return reports
      .filter((r) => r.legacySealed > 0)
      .map((r) => `sealed ${r.legacySealed} clear ${r.table} ${r.label}(s)`)
      .join("\n");
  } finally {
    await handle.close();
  }
}

/** Rewrites the list of server/db/migration-names.ts from the migrations folder (what a server checks at boot). */
function writeMigrationNames(): void {
  const file = path.join(process.cwd(), "server", "db", "migration-names.ts");
  const dir = path.join(process.cwd(), "prisma", "migrations");
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const source = readFileSync(file, "utf8");
  const start = source.indexOf("= [\n") + 4;
  const end = source.indexOf("];", start);
  writeFileSync(
    file,
    `${source.slice(0, start)}${names.map((name) => `  "${name}",\n`).join("")}${source.slice(end)}`,
  );
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const started = Date.now();
  switch (command) {
    case "apply": {
      const config = databaseConfig();
      const applied = await applyMigrations(config);
      console.log(
        applied.length === 0
          ? `${describe(config)}: already up to date.`
          : `${describe(config)}: applied ${applied.length} migration(s): ${applied.join(", ")}`,
      );
      // SQL cannot seal (the key is in the environment): values kept in clear by a migration are
      // sealed here, before anything serves from the new schema
      const sealed = await sealLegacy(config);
      if (sealed !== "") console.log(sealed);
      break;
    }
    case "create": {
      const name = rest[0];
      if (!name || rest.length > 1) {
        console.error(
          `${USAGE}\n  create needs exactly one name, e.g. npm run db:migration -- add_payouts`,
        );
        return 2;
      }
      const config = databaseConfig();
      const created = await createMigration(config, name);
      writeMigrationNames();
      if (created === null) {
        console.log("no changes: schema.prisma matches the migrations; nothing written.");
      } else {
        console.log(
          `created ${path.relative(process.cwd(), created.directory)}/migration.sql and applied it to ${describe(config)}; server/db/migration-names.ts lists it`,
        );
      }
      break;
    }
    case "diff": {
      const drift = await diffMigrationsAgainstSchema();
      if (drift !== "") {
        console.log(drift);
        console.error(
          "schema.prisma differs from prisma/migrations: run `npm run db:migration -- <name>`.",
        );
        return 1;
      }
      console.log("prisma/migrations matches schema.prisma.");
      break;
    }
    default:
      console.error(USAGE);
      return 2;
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

// If some promise never settles, Node would exit 0 on an empty event loop as if all went well.
process.on("beforeExit", () => {
  console.error("migrate failed: stopped before finishing (an operation never completed)");
  process.exit(1);
});

runCommand(() =>
  main(process.argv.slice(2)).catch((error: unknown) => {
    throw error instanceof Error
      ? new Error(`migrate failed: ${error.message}`, { cause: error })
      : error;
  }),
);
