import {
  maxUint256,
  parseUnits,
  type Address,
  type LocalAccount,
  type PublicClient,
  type WalletClient,
} from "viem";

import { TEST_PLAIN_TOKEN_ABI, TEST_PLAIN_TOKEN_DEPLOYED_BYTECODE } from "./contracts.artifact";
import { PERMIT2_ADDRESS } from "./permit2";

// A plain ERC-20 (no EIP-3009, no EIP-2612) on local chains: what the exact scheme pays through
// Permit2. Its code has no constructor, so it is placed at a fixed address like Permit2 itself: a
// dev chain restarted from its state file finds it there, whatever the deployer's nonce.

export const TEST_PLAIN_TOKEN_ADDRESS: Address = "0x7e57000000000000000000000000000000000002";
export const TEST_PLAIN_TOKEN_DECIMALS = 6;
export const TEST_PLAIN_TOKEN_SYMBOL = "TPUSD";

/** Places the token's code; false when it was already there (its balances are kept). */
export async function installPlainToken(client: PublicClient): Promise<boolean> {
  const code = await client.getCode({ address: TEST_PLAIN_TOKEN_ADDRESS });
  if (code && code !== "0x") return false;
  await client.request({
    method: "anvil_setCode" as never,
    params: [TEST_PLAIN_TOKEN_ADDRESS, TEST_PLAIN_TOKEN_DEPLOYED_BYTECODE] as never,
  });
  return true;
}

export async function mintPlainToken(
  wallet: WalletClient,
  publicClient: PublicClient,
  to: Address,
  amount: string,
): Promise<void> {
  if (!wallet.account || !wallet.chain)
    throw new Error("mintPlainToken needs a wallet client with an account and a chain");
  const hash = await wallet.writeContract({
    address: TEST_PLAIN_TOKEN_ADDRESS,
    abi: TEST_PLAIN_TOKEN_ABI,
    functionName: "mint",
    args: [to, parseUnits(amount, TEST_PLAIN_TOKEN_DECIMALS)],
    account: wallet.account,
    chain: wallet.chain,
  });
  await publicClient.waitForTransactionReceipt({ hash });
}

/**
 * The buyer's one-time step before paying in a Permit2 token: allow Permit2 to move the token (each
 * payment is then a Permit2 signature, gasless for the buyer). Sent by the buyer's own wallet.
 */
export async function approvePermit2(
  wallet: WalletClient,
  publicClient: PublicClient,
  token: Address,
  owner: LocalAccount,
): Promise<void> {
  if (!wallet.chain) throw new Error("approvePermit2 needs a wallet client with a chain");
  const hash = await wallet.writeContract({
    address: token,
    abi: TEST_PLAIN_TOKEN_ABI,
    functionName: "approve",
    args: [PERMIT2_ADDRESS, maxUint256],
    account: owner,
    chain: wallet.chain,
  });
  await publicClient.waitForTransactionReceipt({ hash });
}
