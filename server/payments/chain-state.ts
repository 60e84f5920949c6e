import { PERMIT2_ADDRESS, x402UptoPermit2ProxyAddress } from "@x402/evm";
import { parseAbiItem, type Hash, type PublicClient } from "viem";

import type { ChainClientRegistry } from "@/server/chain/clients";
import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { checkTransferReceipt, ERC20_TRANSFER_EVENTS } from "@/server/facilitator/receipt";

// What the chain says about a reserved EIP-3009 authorization. The reconciler and the deferred
// settlement queue both ask before acting, so a transfer that went out before a crash is recorded,
// never sent twice.

const AUTHORIZATION_CANCELED = parseAbiItem(
  "event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce)",
);

/** How far back to look for the settlement transaction on chains where logs queries are ranged. */
const LOG_LOOKBACK_BLOCKS = 100_000n;

export type AuthorizationOnChain =
  | { kind: "no_chain" }
  | { kind: "unused" }
  | { kind: "settled"; txHash: Hash; blockNumber: bigint }
  /** the authorization was spent, but not as this payment: nothing of it reached the payee */
  | { kind: "spent_elsewhere"; reason: string; message: string }
  /** spent on chain, but the transaction is not in the lookback window (yet) */
  | { kind: "not_found" };

/**
 * Whether the authorization's nonce is used or cancelled on chain (EIP-3009 authorizationState);
 * null when the network has no client or the read failed (the caller then asks the facilitator).
 */
export async function isAuthorizationSpent(
  chains: ChainClientRegistry,
  opts: { network: string; asset: string; payer: string; nonce: string },
): Promise<boolean | null> {
  const clients = chains.forNetwork(opts.network);
  if (!clients) return null;
  try {
    return await clients.publicClient.readContract({
      address: opts.asset as `0x${string}`,
      abi: TEST_USDC_ABI,
      functionName: "authorizationState",
      args: [opts.payer as `0x${string}`, opts.nonce as `0x${string}`],
    });
  } catch {
    return null;
  }
}

export async function readAuthorizationOnChain(
  chains: ChainClientRegistry,
  payment: {
    network: string;
    asset: string;
    payer: string;
    payTo: string;
    authorizationNonce: string;
    amountAtomic: bigint;
    /** "upto": a Permit2 authorization (server/x402/upto.ts), its nonce Permit2's */
    scheme?: string;
  },
): Promise<AuthorizationOnChain> {
  const clients = chains.forNetwork(payment.network);
  if (!clients) return { kind: "no_chain" };
  if (payment.scheme === "upto") return readPermit2OnChain(clients.publicClient, payment);
  const { publicClient } = clients;
  const asset = payment.asset as `0x${string}`;
  const nonce = payment.authorizationNonce as `0x${string}`;
  const used = await publicClient.readContract({
    address: asset,
    abi: TEST_USDC_ABI,
    functionName: "authorizationState",
    args: [payment.payer as `0x${string}`, nonce],
  });
  if (!used) return { kind: "unused" };
  // uncached: viem caches the block number for seconds, which would hide a transfer mined just now
  const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
  const logs = await publicClient.getLogs({
    address: asset,
    event: ERC20_TRANSFER_EVENTS[1],
    args: { authorizer: payment.payer as `0x${string}`, nonce },
    fromBlock: latest > LOG_LOOKBACK_BLOCKS ? latest - LOG_LOOKBACK_BLOCKS : 0n,
    toBlock: latest,
  });
  const txHash = logs[0]?.transactionHash;
  if (!txHash) {
    // used without a transfer: the payer cancelled it (EIP-3009 cancelAuthorization), so it can never move money
    const canceled = await publicClient.getLogs({
      address: asset,
      event: AUTHORIZATION_CANCELED,
      args: { authorizer: payment.payer as `0x${string}`, nonce },
      fromBlock: latest > LOG_LOOKBACK_BLOCKS ? latest - LOG_LOOKBACK_BLOCKS : 0n,
      toBlock: latest,
    });
    if (canceled.length > 0)
      return {
        kind: "spent_elsewhere",
        reason: "authorization_canceled",
        message: "the payer cancelled the authorization on chain",
      };
    return { kind: "not_found" };
  }
  const receipt = await publicClient.getTransactionReceipt({ hash: txHash });
  const check = checkTransferReceipt(receipt, {
    asset,
    from: payment.payer,
    payTo: payment.payTo,
    amount: payment.amountAtomic,
  });
  if (!check.ok) return { kind: "spent_elsewhere", reason: check.reason, message: check.message };
  return { kind: "settled", txHash, blockNumber: receipt.blockNumber };
}

const NONCE_BITMAP = parseAbiItem(
  "function nonceBitmap(address owner, uint256 wordPos) view returns (uint256)",
);

/**
 * A metered (upto) payment: spent when Permit2's nonce bit is set; its transaction is the upto
 * proxy's call that carries this nonce and moved the recorded (metered) amount to payTo.
 */
async function readPermit2OnChain(
  publicClient: PublicClient,
  payment: {
    asset: string;
    payer: string;
    payTo: string;
    authorizationNonce: string;
    amountAtomic: bigint;
  },
): Promise<AuthorizationOnChain> {
  const nonce = BigInt(payment.authorizationNonce);
  const word = await publicClient.readContract({
    address: PERMIT2_ADDRESS,
    abi: [NONCE_BITMAP],
    functionName: "nonceBitmap",
    args: [payment.payer as `0x${string}`, nonce >> 8n],
  });
  if (((word >> (nonce & 0xffn)) & 1n) === 0n) return { kind: "unused" };
  const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
  const transfers = await publicClient.getLogs({
    address: payment.asset as `0x${string}`,
    event: ERC20_TRANSFER_EVENTS[0],
    args: { from: payment.payer as `0x${string}`, to: payment.payTo as `0x${string}` },
    fromBlock: latest > LOG_LOOKBACK_BLOCKS ? latest - LOG_LOOKBACK_BLOCKS : 0n,
    toBlock: latest,
  });
  const word32 = payment.authorizationNonce.slice(2).toLowerCase().padStart(64, "0");
  for (const log of transfers.reverse()) {
    const tx = await publicClient.getTransaction({ hash: log.transactionHash });
    if (tx.to?.toLowerCase() !== x402UptoPermit2ProxyAddress.toLowerCase()) continue;
    if (!tx.input.toLowerCase().includes(word32)) continue;
    const receipt = await publicClient.getTransactionReceipt({ hash: log.transactionHash });
    const check = checkTransferReceipt(receipt, {
      asset: payment.asset,
      from: payment.payer,
      payTo: payment.payTo,
      amount: payment.amountAtomic,
    });
    if (!check.ok) return { kind: "spent_elsewhere", reason: check.reason, message: check.message };
    return { kind: "settled", txHash: log.transactionHash, blockNumber: receipt.blockNumber };
  }
  return { kind: "not_found" };
}
