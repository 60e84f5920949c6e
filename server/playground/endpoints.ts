import { accountFor } from "@/server/chain/accounts";
import { toAtomic } from "@/server/db/money";
import type { Deps } from "@/server/deps";
import { getNetworkRegistry } from "@/server/networks/config";
import { formatAtomic } from "@/server/pricing/price";

// What the playground offers: the priced endpoints of ACTIVE merchants (public information: it is
// what their 402s say anyway), the networks a browser wallet can use, and — where a local chain is
// configured — the demo wallet, an unlocked anvil account that the chain itself signs for.

export type PlaygroundEndpoint = { merchantId: string; merchantName: string; method: string; path: string; pattern: string; price: string; symbol: string; network: string };
export type PlaygroundChain = { id: number; name: string; rpcUrl: string | null; testnet: boolean; asset: { address: string; symbol: string; decimals: number } | null };

/** A concrete example path for a pattern (`/api/signal/*` → `/api/signal/btc`). */
export function examplePath(pattern: string): string {
  return pattern.replace(/\/\*\*$/, "/example").replace(/\*\*/g, "example").replace(/\*/g, "btc");
}

export async function getPlaygroundSetup(deps: Pick<Deps, "db" | "env">) {
  const registry = getNetworkRegistry(deps.env);
  const rules = await deps.db.pricingRule.findMany({
    where: { active: true, merchant: { status: "ACTIVE" } },
    orderBy: [{ merchant: { createdAt: "asc" } }, { createdAt: "asc" }],
    take: 200,
    select: { methods: true, pathPattern: true, priceAtomic: true, network: true, asset: true, merchant: { select: { id: true, name: true } } },
  });
  const endpoints: PlaygroundEndpoint[] = rules.map((r) => {
    const asset = registry.asset(r.network, r.asset);
    return {
      merchantId: r.merchant.id,
      merchantName: r.merchant.name,
      // the playground sends what a browser can try first: GET when the rule prices it
      method: r.methods.includes("ANY") || r.methods.includes("GET") ? "GET" : (r.methods[0] ?? "GET"),
      path: examplePath(r.pathPattern),
      pattern: r.pathPattern,
      price: formatAtomic(toAtomic(r.priceAtomic), asset?.decimals ?? 6),
      symbol: asset?.symbol ?? "?",
      network: r.network,
    };
  });
  const chains: PlaygroundChain[] = registry.list().map((n) => ({
    id: n.chainId,
    name: n.name,
    rpcUrl: n.rpcUrl ?? null,
    testnet: n.testnet,
    asset: n.assets[0] ? { address: n.assets[0].address, symbol: n.assets[0].symbol, decimals: n.assets[0].decimals } : null,
  }));
  const localChain = deps.env.LOCAL_TOKEN_ADDRESS ? deps.env.LOCAL_CHAIN_ID : null;
  return { gatewayUrl: deps.env.GATEWAY_URL, endpoints, chains, demoWallet: localChain ? { address: accountFor("demoPayer").address, chainId: localChain } : null };
}
