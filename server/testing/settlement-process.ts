// A settlement run in a process of its own, for the crash-safety test: it pays out RUN_ID and, with
// KILL_AFTER_BROADCAST=1, SIGKILLs itself right after a payout transaction was broadcast and before
// it was confirmed and recorded — the worst moment to die.
import { billingDeps } from "@/server/billing/deps";
import { createChainClientRegistry } from "@/server/chain/clients";
import { processSettlementRun } from "@/server/billing/settlement-runs";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { parseServerEnv } from "@/server/env";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";

async function main() {
  const env = parseServerEnv(process.env);
  const { db, close } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  const deps = billingDeps({
    db,
    env,
    log: createLogger({ level: env.LOG_LEVEL }),
    now: () => new Date(),
    chains: createChainClientRegistry(getNetworkRegistry(env), undefined),
  });
  const afterBroadcast =
    process.env.KILL_AFTER_BROADCAST === "1"
      ? async () => {
          process.kill(process.pid, "SIGKILL");
          await new Promise(() => undefined);
        }
      : undefined;
  const progress = await processSettlementRun(
    { ...deps, afterBroadcast },
    { runId: process.env.RUN_ID ?? "" },
  );
  process.stdout.write(`${JSON.stringify(progress)}\n`);
  await close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
