import type { Deps } from "@/server/deps";
import { getNetworkRegistry, type NetworkRegistry } from "@/server/networks/config";

import type { RefundDeps } from "./refunds";
import type { SettlementDeps } from "./settlement-runs";

// What the billing functions need beyond the request's deps: the networks and the treasury key.
// The chain clients are the runtime's (tests and commands pass their own in deps.chains).

export function billingDeps(
  deps: Pick<Deps, "db" | "env" | "log" | "now" | "chains">,
): SettlementDeps & RefundDeps & { networks: NetworkRegistry } {
  const networks = getNetworkRegistry(deps.env);
  return {
    db: deps.db,
    env: deps.env,
    chains: deps.chains,
    networks,
    treasuryKey: deps.env.TREASURY_PRIVATE_KEY as `0x${string}` | undefined,
    log: deps.log,
    now: deps.now,
  };
}
