// `npm run settlement:run [-- --month YYYY-MM]`: settles a calendar month (default: the month before
// this one) from the command line or a scheduler — the same run the admin console starts, resumed
// if it exists. Prints the outcome as JSON; exits 1 if a payout did not complete.
import { billingDeps } from "@/server/billing/deps";
import {
  previousMonth,
  processSettlementRun,
  startSettlementRun,
} from "@/server/billing/settlement-runs";
import { monthPeriod } from "@/server/billing/statements";
import { runCommand } from "@/server/cli/run-command";
import { createChainClientRegistry } from "@/server/chain/clients";
import { createBaseDeps } from "@/server/deps";
import { getEnv } from "@/server/env";
import { getNetworkRegistry } from "@/server/networks/config";

async function main(): Promise<number> {
  const monthArg = process.argv.indexOf("--month");
  const month = monthArg >= 0 ? process.argv[monthArg + 1] : undefined;
  if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new Error("--month takes YYYY-MM");
  const base = createBaseDeps(getEnv());
  // this command's own chain clients: it runs without the server's runtime (no gateway, no jobs)
  const deps = billingDeps({
    ...base,
    chains: createChainClientRegistry(getNetworkRegistry(base.env), undefined),
  });
  const period = month ? monthPeriod(month) : previousMonth(deps.now());
  const { runId } = await startSettlementRun(deps, { ...period, actor: { role: "SYSTEM" } });
  const progress = await processSettlementRun(deps, { runId });
  console.log(JSON.stringify(progress));
  return progress.status === "COMPLETED" ? 0 : 1;
}

runCommand(main);
