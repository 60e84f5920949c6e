import { z } from "zod";

import type { ServerEnv } from "@/server/env";

// Which chains and tokens the gateway can price in and settle on. Networks are named by CAIP-2 id
// (eip155:<chainId>), as x402 v2 does; v1 names ("base", "base-sepolia") map onto the same entries.

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
  .transform((a) => a.toLowerCase() as `0x${string}`);

export const assetConfigSchema = z.object({
  address,
  symbol: z.string().min(1).max(16),
  decimals: z.number().int().min(0).max(36),
  /** the token's EIP-712 domain: EIP-3009 authorizations are signed under it */
  eip712: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  /**
   * How the exact scheme moves the token: an EIP-3009 authorization (USDC and the like), or, for a
   * token without EIP-3009, a Permit2 transfer through the x402 exact Permit2 proxy (the payer
   * approves Permit2 once). `upto` always goes through Permit2.
   */
  transferMethod: z.enum(["eip3009", "permit2"]).default("eip3009"),
});

export const networkConfigSchema = z.object({
  id: z.string().regex(/^eip155:\d+$/, "must be a CAIP-2 id like eip155:8453"),
  name: z.string().min(1),
  /** the x402 v1 network name, when the network has one */
  v1Name: z.string().min(1).optional(),
  rpcUrl: z.url().optional(),
  testnet: z.boolean().default(false),
  explorerTxUrl: z.string().optional(),
  assets: z.array(assetConfigSchema).min(1),
});

/** `transferMethod` absent: EIP-3009 (configurations built in code need not name it) */
export type AssetConfig = Omit<z.infer<typeof assetConfigSchema>, "transferMethod"> &
  Partial<Pick<z.infer<typeof assetConfigSchema>, "transferMethod">>;

export function paysThroughPermit2(asset: Pick<AssetConfig, "transferMethod">): boolean {
  return asset.transferMethod === "permit2";
}
export type NetworkConfig = Omit<z.infer<typeof networkConfigSchema>, "assets"> & {
  assets: AssetConfig[];
  chainId: number;
};

const BUILT_IN: z.input<typeof networkConfigSchema>[] = [
  {
    id: "eip155:8453",
    name: "Base",
    v1Name: "base",
    rpcUrl: "https://mainnet.base.org",
    explorerTxUrl: "https://basescan.org/tx/{hash}",
    assets: [
      {
        address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        symbol: "USDC",
        decimals: 6,
        eip712: { name: "USD Coin", version: "2" },
      },
    ],
  },
  {
    id: "eip155:84532",
    name: "Base Sepolia",
    v1Name: "base-sepolia",
    rpcUrl: "https://sepolia.base.org",
    testnet: true,
    explorerTxUrl: "https://sepolia.basescan.org/tx/{hash}",
    assets: [
      {
        address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        symbol: "USDC",
        decimals: 6,
        eip712: { name: "USDC", version: "2" },
      },
    ],
  },
];

export class NetworkRegistry {
  private readonly byId: Map<string, NetworkConfig>;

  constructor(networks: NetworkConfig[]) {
    this.byId = new Map(networks.map((n) => [n.id, n]));
  }

  list(): NetworkConfig[] {
    return [...this.byId.values()];
  }

  get(id: string): NetworkConfig | undefined {
    return this.byId.get(id);
  }

  /** A network by CAIP-2 id or x402 v1 name. */
  resolve(idOrV1Name: string): NetworkConfig | undefined {
    return this.byId.get(idOrV1Name) ?? this.list().find((n) => n.v1Name === idOrV1Name);
  }

  asset(networkId: string, assetAddress: string): AssetConfig | undefined {
    const lower = assetAddress.toLowerCase();
    return this.byId.get(networkId)?.assets.find((a) => a.address === lower);
  }
}

function withChainId(n: z.output<typeof networkConfigSchema>): NetworkConfig {
  return { ...n, chainId: Number(n.id.slice("eip155:".length)) };
}

/**
 * Base and Base Sepolia, then the local anvil chain when its token is known (a local chain with
 * id 84532 stands in for Base Sepolia, so v1 clients that only know "base-sepolia" can pay on it),
 * then NETWORKS_JSON entries, each replacing a built-in with the same id.
 */
export function buildNetworkRegistry(
  env: Pick<
    ServerEnv,
    "NETWORKS_JSON" | "LOCAL_CHAIN_ID" | "LOCAL_CHAIN_RPC_URL" | "LOCAL_TOKEN_ADDRESS"
  > &
    Partial<Pick<ServerEnv, "LOCAL_PERMIT2_TOKEN_ADDRESS">>,
): NetworkRegistry {
  const entries = new Map<string, NetworkConfig>();
  for (const n of BUILT_IN) entries.set(n.id, withChainId(networkConfigSchema.parse(n)));
  if (env.LOCAL_TOKEN_ADDRESS) {
    const id = `eip155:${env.LOCAL_CHAIN_ID}`;
    const standIn = entries.get(id);
    // the local chain goes first: where one is configured (dev, tests) it is what rules default to
    const local = withChainId(
      networkConfigSchema.parse({
        id,
        name: standIn ? `${standIn.name} (local anvil)` : "Local anvil",
        v1Name: standIn?.v1Name,
        rpcUrl: env.LOCAL_CHAIN_RPC_URL,
        testnet: true,
        assets: [
          {
            address: env.LOCAL_TOKEN_ADDRESS,
            symbol: "USDC",
            decimals: 6,
            eip712: { name: "USD Coin", version: "2" },
          },
          // the plain test token: paid through Permit2 (server/chain/plain-token.ts)
          ...(env.LOCAL_PERMIT2_TOKEN_ADDRESS
            ? [
                {
                  address: env.LOCAL_PERMIT2_TOKEN_ADDRESS,
                  symbol: "TPUSD",
                  decimals: 6,
                  eip712: { name: "Test Plain USD", version: "1" },
                  transferMethod: "permit2" as const,
                },
              ]
            : []),
        ],
      }),
    );
    entries.delete(id);
    const rest = [...entries.entries()];
    entries.clear();
    entries.set(id, local);
    for (const [key, value] of rest) entries.set(key, value);
  }
  if (env.NETWORKS_JSON) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.NETWORKS_JSON);
    } catch {
      throw new Error("NETWORKS_JSON: not valid JSON");
    }
    const parsed = z.array(networkConfigSchema).safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `NETWORKS_JSON: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    for (const n of parsed.data) entries.set(n.id, withChainId(n));
  }
  return new NetworkRegistry([...entries.values()]);
}

let cached: { key: string; registry: NetworkRegistry } | undefined;

/** The registry for an env, built once per distinct configuration. */
export function getNetworkRegistry(
  env: Pick<
    ServerEnv,
    "NETWORKS_JSON" | "LOCAL_CHAIN_ID" | "LOCAL_CHAIN_RPC_URL" | "LOCAL_TOKEN_ADDRESS"
  > &
    Partial<Pick<ServerEnv, "LOCAL_PERMIT2_TOKEN_ADDRESS">>,
): NetworkRegistry {
  const key = JSON.stringify([
    env.NETWORKS_JSON,
    env.LOCAL_CHAIN_ID,
    env.LOCAL_CHAIN_RPC_URL,
    env.LOCAL_TOKEN_ADDRESS,
    env.LOCAL_PERMIT2_TOKEN_ADDRESS,
  ]);
  if (cached?.key !== key) cached = { key, registry: buildNetworkRegistry(env) };
  return cached.registry;
}
