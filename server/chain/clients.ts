import {
  createPublicClient,
  defineChain,
  http,
  type Chain,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import type { NetworkConfig, NetworkRegistry } from "@/server/networks/config";

import { MULTICALL3_ADDRESS } from "./multicall3";

// viem clients per configured network, built once. Reads go through the public client (batched
// JSON-RPC); the facilitator's accounts (FACILITATOR_PRIVATE_KEYS) sign settlement transactions,
// which server/chain/settlement-sender.ts sends with its own nonce bookkeeping.

export type ChainClients = {
  network: NetworkConfig;
  chain: Chain;
  publicClient: PublicClient;
  /** the accounts that send settlement transactions (none: this deployment cannot settle itself) */
  facilitatorAccounts: PrivateKeyAccount[];
};

export type ChainClientRegistry = {
  forNetwork(networkId: string): ChainClients | undefined;
  all(): ChainClients[];
};

function chainFor(network: NetworkConfig): Chain {
  return defineChain({
    id: network.chainId,
    name: network.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: network.rpcUrl ? [network.rpcUrl] : [] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
    testnet: network.testnet,
  });
}

/** Told of every JSON-RPC call a chain client makes (the chain RPC metrics). */
export type RpcObserver = (call: {
  network: string;
  method: string;
  ok: boolean;
  seconds: number;
}) => void;

// Wraps the transport's request function, so each logical call is counted once by its method
// (viem's retries happen inside it; a batch of reads is still one call per method).
function observedTransport(transport: Transport, network: string, observe: RpcObserver): Transport {
  return (params) => {
    const inner = transport(params);
    return {
      ...inner,
      async request(args, options) {
        const started = performance.now();
        try {
          const result = await inner.request(args, options);
          observe({
            network,
            method: args.method,
            ok: true,
            seconds: (performance.now() - started) / 1000,
          });
          return result;
        } catch (err) {
          observe({
            network,
            method: args.method,
            ok: false,
            seconds: (performance.now() - started) / 1000,
          });
          throw err;
        }
      },
    } as ReturnType<Transport>;
  };
}

export function createChainClientRegistry(
  registry: NetworkRegistry,
  facilitatorKeys: readonly Hex[] | Hex | undefined,
  opts: { onRpc?: RpcObserver } = {},
): ChainClientRegistry {
  const keys =
    facilitatorKeys === undefined
      ? []
      : typeof facilitatorKeys === "string"
        ? [facilitatorKeys]
        : facilitatorKeys;
  const facilitatorAccounts = keys.map((key) => privateKeyToAccount(key));
  const clients = new Map<string, ChainClients>();
  for (const network of registry.list()) {
    if (!network.rpcUrl) continue;
    const chain = chainFor(network);
    const base = http(network.rpcUrl, { batch: { wait: 0 }, timeout: 20_000, retryCount: 2 });
    const transport = opts.onRpc ? observedTransport(base, network.id, opts.onRpc) : base;
    const publicClient = createPublicClient({
      chain,
      transport,
      pollingInterval: 250,
    }) as PublicClient;
    clients.set(network.id, { network, chain, publicClient, facilitatorAccounts });
  }
  return { forNetwork: (id) => clients.get(id), all: () => [...clients.values()] };
}
