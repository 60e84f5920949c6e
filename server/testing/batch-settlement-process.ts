// A batch-settlement pass in a process of its own, for the crash-safety test: it settles every
// accrued batch-settlement call now and, with KILL_AT=claim or KILL_AT=settle, SIGKILLs itself
// right after that step's transaction landed on chain and before it was recorded — the worst
// moments to die. Prints the pass's report as one JSON line.
import { createChainClientRegistry } from "@/server/chain/clients";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { facilitatorPrivateKeys, parseServerEnv } from "@/server/env";
import { createFacilitators } from "@/server/facilitator";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";
import { settleBatches } from "@/server/payments/batch-settlement";

async function main() {
  const env = parseServerEnv(process.env);
  const { db, close } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  const log = createLogger({ level: env.LOG_LEVEL });
  const chains = createChainClientRegistry(getNetworkRegistry(env), facilitatorPrivateKeys(env));
  const facilitators = createFacilitators({ env, chains, log });
  const killAt = process.env.KILL_AT;
  const report = await settleBatches(
    { db, env, chains, facilitators, log, now: () => new Date() },
    {
      force: true,
      afterSend: async (step) => {
        if (step !== killAt) return;
        process.kill(process.pid, "SIGKILL");
        await new Promise(() => undefined);
      },
    },
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await close();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
