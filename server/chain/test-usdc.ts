import {
  getContractAddress,
  parseUnits,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type WalletClient,
} from "viem";

import { TRANSFER_WITH_AUTHORIZATION_TYPES } from "@/sdk/src/eip3009";

import { TEST_USDC_ABI, TEST_USDC_BYTECODE } from "./contracts.artifact";

export const TEST_USDC_DECIMALS = 6;
/** The EIP-712 domain fields x402 puts in `extra` for USDC: the token signs under these. */
export const TEST_USDC_EIP712 = { name: "USD Coin", version: "2" } as const;

/** Where the deployer's first contract lands: lets a restarted dev chain find its token again. */
export function predictedTokenAddress(deployer: Address): Address {
  return getContractAddress({ from: deployer, nonce: 0n });
}

export async function deployTestUsdc(
  wallet: WalletClient,
  publicClient: PublicClient,
): Promise<Address> {
  if (!wallet.account || !wallet.chain)
    throw new Error("deployTestUsdc needs a wallet client with an account and a chain");
  const hash = await wallet.deployContract({
    abi: TEST_USDC_ABI,
    bytecode: TEST_USDC_BYTECODE,
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new Error(`TestUsdc deployment failed in ${hash}`);
  return receipt.contractAddress;
}

export async function mintTestUsdc(
  wallet: WalletClient,
  publicClient: PublicClient,
  token: Address,
  to: Address,
  amount: string,
): Promise<void> {
  if (!wallet.account || !wallet.chain)
    throw new Error("mintTestUsdc needs a wallet client with an account and a chain");
  const hash = await wallet.writeContract({
    address: token,
    abi: TEST_USDC_ABI,
    functionName: "mint",
    args: [to, parseUnits(amount, TEST_USDC_DECIMALS)],
    account: wallet.account,
    chain: wallet.chain,
  });
  await publicClient.waitForTransactionReceipt({ hash });
}

export function usdcBalance(
  publicClient: PublicClient,
  token: Address,
  owner: Address,
): Promise<bigint> {
  return publicClient.readContract({
    address: token,
    abi: TEST_USDC_ABI,
    functionName: "balanceOf",
    args: [owner],
  });
}

export type TransferAuthorization = {
  from: Address;
  to: Address;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: Hex;
};

/** Signs an EIP-3009 authorization under a token's EIP-712 domain (tests, bench and tooling), with the SDK's typed-data definition. */
export function signTransferAuthorization(
  signer: Pick<LocalAccount, "signTypedData">,
  domain: { name: string; version: string; chainId: number; verifyingContract: Address },
  message: TransferAuthorization,
): Promise<Hex> {
  return signer.signTypedData({
    domain,
    types: TRANSFER_WITH_AUTHORIZATION_TYPES,
    primaryType: "TransferWithAuthorization",
    message,
  });
}
