import { createChainClientRegistry, type ChainClientRegistry } from "@/server/chain/clients";
import type { Deps } from "@/server/deps";
import { getNetworkRegistry, type NetworkRegistry } from "@/server/networks/config";

import type { RefundDeps } from "./refunds";
import type { SettlementDeps } from "./settlement-runs";

// What the billing functions need beyond the request's deps: chain clients and the treasury key.
// Built once per process from env (tests pass their own chain clients in deps.chains).

const globalForBilling = globalThis as unknown as { x402BillingChains?: { key: string; chains: ChainClientRegistry } };

export function billingDeps(deps: Deps): SettlementDeps & RefundDeps & { networks: NetworkRegistry } {
  const networks = getNetworkRegistry(deps.env);
  let chains = deps.chains;
  if (!chains) {
    const key = JSON.stringify([deps.env.NETWORKS_JSON, deps.env.LOCAL_CHAIN_ID, deps.env.LOCAL_CHAIN_RPC_URL, deps.env.LOCAL_TOKEN_ADDRESS]);
    if (globalForBilling.x402BillingChains?.key !== key) globalForBilling.x402BillingChains = { key, chains: createChainClientRegistry(networks, undefined) };
    chains = globalForBilling.x402BillingChains.chains;
  }
  return { db: deps.db, env: deps.env, chains, networks, treasuryKey: deps.env.TREASURY_PRIVATE_KEY as `0x${string}` | undefined, log: deps.log, now: deps.now };
}
