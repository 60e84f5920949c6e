import { parseDatabaseUrl } from "@/server/db/config";
import { EnvError, getEnv } from "@/server/env";
import { getGatewayDeps } from "@/server/gateway/runtime";

// What a server process checks before it serves anything (instrumentation.ts runs it at boot of
// `next start`, the standalone server.js and every serverless cold start). Next loads route modules
// lazily, so without it a production server missing DATABASE_URL would start "healthy" and fail
// request by request; a deploy must fail at once instead, with the variable named.

/**
 * Validates the environment and the database URL's form (on failure prints why and exits 1), then
 * on a long-running server starts the background job scheduler: a console-only instance, or one that
 * has not served a gateway call yet, must still take its turn at the jobs.
 */
export function checkEnvironmentAtBoot(): void {
  try {
    const env = getEnv();
    parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR);
    if (env.BACKGROUND_JOBS === "in-process") getGatewayDeps();
  } catch (error) {
    // EnvError and parseDatabaseUrl's errors name the variable; anything else is a bug to surface
    if (!(error instanceof EnvError) && !(error instanceof Error && error.message.startsWith("DATABASE_URL"))) throw error;
    console.error(`x402 Gateway cannot start. ${error.message}`);
    process.exit(1);
  }
}
