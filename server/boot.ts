import { checkDatabaseConnection, getDb, parseDatabaseUrl } from "@/server/db";
import { pendingMigrationsProblem, readMigrationStatus } from "@/server/db/migration-status";
import { EnvError, getEnv } from "@/server/env";
import { processSingleton } from "@/server/process-global";
import { getRuntime } from "@/server/runtime";
import { createLogger } from "@/server/observability/logger";
import { installProcessGuards } from "@/server/observability/process-guards";

// What a server process checks before it serves anything (instrumentation.ts runs it at boot of
// `npm start`, `next start`, the standalone server.js and every serverless cold start). Next loads
// route modules lazily, so without it a production server missing DATABASE_URL would start
// "healthy" and fail request by request; a deploy must fail at once instead, with the cause named.

/**
 * Validates the environment and the database URL's form; on a long-running server also checks that
 * the database has every migration this build needs, then starts the background job scheduler (a
 * console-only instance, or one that has not served a gateway call yet, must still take its turn
 * at the jobs). On failure prints why and exits 1.
 */
export function checkAtBoot(): Promise<void> {
  // once per process: `npm start` calls it before Next prepares and Next's instrumentation hook
  // calls it again from its own bundle (a separate module instance, hence the global)
  return processSingleton("boot-check", runBootChecks);
}

async function runBootChecks(): Promise<void> {
  try {
    const env = getEnv();
    // a throw outside every request's error handling is logged, not fatal (server/observability/process-guards.ts)
    installProcessGuards(process, createLogger({ level: env.LOG_LEVEL }));
    parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR);
    // serverless cold starts skip the database round trip: there the deploy's build step migrates
    if (env.BACKGROUND_JOBS !== "in-process") return;
    const problem = await migrationsProblem();
    if (problem) exitWith(problem);
    getRuntime();
  } catch (error) {
    // EnvError and parseDatabaseUrl's errors name the variable; anything else is a bug to surface
    if (
      !(error instanceof EnvError) &&
      !(error instanceof Error && error.message.startsWith("DATABASE_URL"))
    )
      throw error;
    exitWith(error.message);
  }
}

/** Why this build cannot serve from its database, or null. An unreachable database only warns: /api/ready reports it and the pool reconnects. */
async function migrationsProblem(): Promise<string | null> {
  const db = getDb();
  try {
    await checkDatabaseConnection(db);
  } catch (error) {
    // checkDatabaseConnection's message names host and port without credentials
    console.warn(
      `  warning: the database's migrations could not be checked at boot: ${(error as Error).message}`,
    );
    return null;
  }
  return pendingMigrationsProblem(await readMigrationStatus(db));
}

function exitWith(reason: string): never {
  console.error(`x402 Gateway cannot start. ${reason}`);
  process.exit(1);
}
