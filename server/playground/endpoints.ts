import { accountFor } from "@/server/chain/accounts";
import { toAtomic } from "@/server/db/money";
import type { Deps } from "@/server/deps";
import { discoverableEndpoints } from "@/server/discovery/resources";
import { getNetworkRegistry } from "@/server/networks/config";
import { formatAtomic } from "@/server/pricing/price";
import { describeOffer, type OfferedPaymentOption } from "@/server/x402/requirements";

// What the playground offers: the endpoints the discovery list publishes (ACTIVE merchants that did
// not opt out; public information: it is what their 402s say anyway), the networks a browser wallet
// can use, and — where a local chain is configured — the demo wallet, an unlocked anvil account that
// the chain itself signs for.

export type PlaygroundEndpoint = {
  merchantId: string;
  merchantName: string;
  method: string;
  path: string;
  pattern: string;
  price: string;
  symbol: string;
  network: string;
  /** every way its 402 offers to pay, in order (the `accepts` entries) */
  options: OfferedPaymentOption[];
};
export type PlaygroundChain = {
  id: number;
  name: string;
  rpcUrl: string | null;
  testnet: boolean;
  asset: { address: string; symbol: string; decimals: number } | null;
};

export async function getPlaygroundSetup(deps: Pick<Deps, "db" | "env">) {
  const registry = getNetworkRegistry(deps.env);
  // the same endpoints the discovery list publishes (server/discovery/resources.ts)
  const endpoints: PlaygroundEndpoint[] = (await discoverableEndpoints(deps)).map(
    ({ route, rule, method, examplePath }) => ({
      merchantId: route.merchant.id,
      merchantName: route.merchant.name,
      method,
      path: examplePath,
      pattern: rule.pathPattern,
      price: formatAtomic(toAtomic(rule.priceAtomic), route.asset.decimals),
      symbol: route.asset.symbol,
      network: rule.network,
      options: describeOffer(route),
    }),
  );
  const chains: PlaygroundChain[] = registry.list().map((n) => ({
    id: n.chainId,
    name: n.name,
    rpcUrl: n.rpcUrl ?? null,
    testnet: n.testnet,
    asset: n.assets[0]
      ? { address: n.assets[0].address, symbol: n.assets[0].symbol, decimals: n.assets[0].decimals }
      : null,
  }));
  const localChain = deps.env.LOCAL_TOKEN_ADDRESS ? deps.env.LOCAL_CHAIN_ID : null;
  return {
    gatewayUrl: deps.env.GATEWAY_URL,
    endpoints,
    chains,
    demoWallet: localChain
      ? { address: accountFor("demoPayer").address, chainId: localChain }
      : null,
  };
}
