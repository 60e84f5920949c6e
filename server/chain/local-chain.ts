import { existsSync } from "node:fs";

import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Chain,
  type PublicClient,
} from "viem";

import { accountFor, type LocalAccountRole } from "./accounts";
import { startAnvil } from "./anvil";
import { MULTICALL3_DEPLOYED_BYTECODE } from "./contracts.artifact";
import { MULTICALL3_ADDRESS } from "./multicall3";
import { installBatchSettlementContracts } from "./batch-settlement-contracts";
import { installUptoContracts } from "./permit2";
import {
  approvePermit2,
  installPlainToken,
  mintPlainToken,
  TEST_PLAIN_TOKEN_ADDRESS,
} from "./plain-token";
import { deployTestUsdc, mintTestUsdc, predictedTokenAddress } from "./test-usdc";

export { MULTICALL3_ADDRESS } from "./multicall3";

/** Who gets test USDC on a fresh chain, and how much. */
const DEFAULT_FUNDING: Partial<Record<LocalAccountRole, string>> = {
  demoPayer: "1000000",
  payerB: "1000000",
  payerC: "1000000",
  spare: "1000000",
  // the platform treasury's float: PLATFORM-mode refunds are paid from it even after a settlement
  // run has paid merchants what the treasury held for them
  treasury: "1000",
};

export type LocalChain = {
  rpcUrl: string;
  chainId: number;
  chain: Chain;
  tokenAddress: Address;
  /** the plain ERC-20 paid through Permit2 (server/chain/plain-token.ts) */
  plainTokenAddress: Address;
  publicClient: PublicClient;
  stop: () => Promise<void>;
};

export type SetupLocalChainOptions = {
  port?: number;
  chainId?: number;
  /** Keep the chain in this file across restarts (dev); tests use a fresh in-memory chain. */
  statePath?: string;
  /** Extra addresses to mint test USDC to, as decimal amounts. */
  fund?: Record<Address, string>;
  /** automine plus a block every this many seconds (StartAnvilOptions.mixedMining) */
  mixedMiningBlockTime?: number;
};

export function localChainDefinition(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `Local anvil (${chainId})`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
}

/**
 * Starts anvil, installs Multicall3, Permit2, the x402 upto and exact Permit2 proxies and the plain
 * test token, deploys the EIP-3009 test USDC and funds the test payers. With a
 * state file that already holds the token (a dev restart), it finds the token and deploys nothing.
 */
export async function setupLocalChain(opts: SetupLocalChainOptions = {}): Promise<LocalChain> {
  const hadState = opts.statePath ? existsSync(opts.statePath) : false;
  const node = await startAnvil({
    port: opts.port,
    chainId: opts.chainId,
    statePath: opts.statePath,
    blockTime: opts.mixedMiningBlockTime,
    mixedMining: opts.mixedMiningBlockTime !== undefined,
  });
  try {
    const chain = localChainDefinition(node.chainId, node.rpcUrl);
    const publicClient = createPublicClient({
      chain,
      transport: http(node.rpcUrl),
    }) as PublicClient;
    const deployer = accountFor("deployer");
    const wallet = createWalletClient({ chain, account: deployer, transport: http(node.rpcUrl) });

    await publicClient.request({
      method: "anvil_setCode" as never,
      params: [MULTICALL3_ADDRESS, MULTICALL3_DEPLOYED_BYTECODE] as never,
    });
    // the `upto` (metered) scheme settles through Permit2 and the x402 upto proxy
    await installUptoContracts(publicClient, node.chainId);
    // the `batch-settlement` scheme: the channel contract and its deposit collectors
    await installBatchSettlementContracts(publicClient);

    const predicted = predictedTokenAddress(deployer.address);
    const existing = hadState ? await publicClient.getCode({ address: predicted }) : undefined;
    let tokenAddress: Address;
    if (existing && existing !== "0x") {
      tokenAddress = predicted;
    } else {
      tokenAddress = await deployTestUsdc(wallet, publicClient);
      for (const [role, amount] of Object.entries(DEFAULT_FUNDING)) {
        await mintTestUsdc(
          wallet,
          publicClient,
          tokenAddress,
          accountFor(role as LocalAccountRole).address,
          amount,
        );
      }
    }
    // the plain ERC-20 the exact scheme pays through Permit2; the local payers have made their
    // one-time Permit2 approval, as a buyer's wallet would before paying in such a token
    if (await installPlainToken(publicClient)) {
      for (const [role, amount] of Object.entries(DEFAULT_FUNDING)) {
        const account = accountFor(role as LocalAccountRole);
        await mintPlainToken(wallet, publicClient, account.address, amount);
        if (role !== "treasury")
          await approvePermit2(wallet, publicClient, TEST_PLAIN_TOKEN_ADDRESS, account);
      }
    }
    for (const [address, amount] of Object.entries(opts.fund ?? {})) {
      await mintTestUsdc(wallet, publicClient, tokenAddress, address as Address, amount);
    }
    return {
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      chain,
      tokenAddress,
      plainTokenAddress: TEST_PLAIN_TOKEN_ADDRESS,
      publicClient,
      stop: node.stop,
    };
  } catch (err) {
    await node.stop();
    throw err;
  }
}
