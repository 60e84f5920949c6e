import { encodeFunctionData, erc20Abi, keccak256, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import type { ChainClientRegistry } from "./clients";

// Token transfers out of the platform's treasury (settlement-run payouts, PLATFORM-mode refunds),
// made crash-safe by splitting them in two: `signTreasuryTransfer` checks funds and gas and signs
// the raw transaction, which the caller stores (with its hash) BEFORE anything is broadcast;
// `landTreasuryTransfer` then broadcasts those exact bytes and waits for the receipt. After a crash
// the stored bytes are looked up by hash and sent again, never re-signed, so a transfer is paid at
// most once: the same bytes have the same hash and the same nonce.

export type TreasuryTransfer = { network: string; asset: string; to: string; amountAtomic: bigint };
export type SignedTransfer = { signedTx: Hex; txHash: Hex };

export type SignResult =
  | { ok: true; signed: SignedTransfer }
  | {
      ok: false;
      reason:
        | "treasury_not_configured"
        | "network_unavailable"
        | "treasury_insufficient_funds"
        | "treasury_insufficient_gas";
      message: string;
    };

export type LandResult =
  | { kind: "confirmed"; txHash: Hex; blockNumber: bigint }
  /** mined and reverted: nothing moved */
  | { kind: "reverted"; txHash: Hex }
  /** can never be mined (its nonce went to another transaction): nothing moved */
  | { kind: "dropped"; txHash: Hex; message: string };

export type TreasuryDeps = { chains: ChainClientRegistry; treasuryKey: Hex | undefined };

// one treasury key, one nonce sequence: transfers from this process are signed one at a time
let signing: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const run = signing.then(job, job);
  signing = run.catch(() => undefined);
  return run;
}

export function treasuryAddress(treasuryKey: Hex | undefined): Address | null {
  return treasuryKey ? privateKeyToAccount(treasuryKey).address : null;
}

export function signTreasuryTransfer(
  deps: TreasuryDeps,
  transfer: TreasuryTransfer,
): Promise<SignResult> {
  return oneAtATime(async () => {
    if (!deps.treasuryKey)
      return {
        ok: false,
        reason: "treasury_not_configured",
        message: "TREASURY_PRIVATE_KEY is not set: the platform cannot send tokens",
      };
    const clients = deps.chains.forNetwork(transfer.network);
    if (!clients)
      return {
        ok: false,
        reason: "network_unavailable",
        message: `No RPC is configured for ${transfer.network}`,
      };
    const { publicClient, chain } = clients;
    const account = privateKeyToAccount(deps.treasuryKey);
    const asset = transfer.asset as Address;
    const tokens = await publicClient.readContract({
      address: asset,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [account.address],
    });
    if (tokens < transfer.amountAtomic) {
      return {
        ok: false,
        reason: "treasury_insufficient_funds",
        message: `The treasury ${account.address} holds ${tokens} of ${asset}; ${transfer.amountAtomic} are needed`,
      };
    }
    const data = encodeFunctionData({
      abi: erc20Abi,
      functionName: "transfer",
      args: [transfer.to as Address, transfer.amountAtomic],
    });
    const [gas, fees, native, nonce] = await Promise.all([
      publicClient.estimateGas({ account: account.address, to: asset, data }),
      publicClient.estimateFeesPerGas(),
      publicClient.getBalance({ address: account.address }),
      publicClient.getTransactionCount({ address: account.address, blockTag: "pending" }),
    ]);
    const gasLimit = (gas * 12n) / 10n;
    if (native < gasLimit * fees.maxFeePerGas) {
      return {
        ok: false,
        reason: "treasury_insufficient_gas",
        message: `The treasury ${account.address} holds ${native} wei; about ${gasLimit * fees.maxFeePerGas} are needed for gas`,
      };
    }
    const signedTx = await account.signTransaction({
      type: "eip1559",
      chainId: chain.id,
      to: asset,
      data,
      gas: gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      nonce,
    });
    return { ok: true, signed: { signedTx, txHash: keccak256(signedTx) } };
  });
}

/** Sends stored bytes (again, if need be) and waits for their receipt. Safe to call repeatedly. */
export async function landTreasuryTransfer(
  deps: TreasuryDeps,
  network: string,
  signed: SignedTransfer,
  opts: { afterBroadcast?: () => Promise<void>; timeoutMs?: number } = {},
): Promise<LandResult> {
  const clients = deps.chains.forNetwork(network);
  if (!clients) throw new Error(`No RPC is configured for ${network}`);
  const { publicClient } = clients;
  const existing = await publicClient
    .getTransactionReceipt({ hash: signed.txHash })
    .catch(() => null);
  if (!existing) {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: signed.signedTx });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // "already known": an earlier attempt's broadcast is in the pool; anything else may mean the
      // nonce was taken, which the receipt (or its absence) settles below
      if (!/already known|known transaction/i.test(message)) {
        const mined = await publicClient
          .getTransactionReceipt({ hash: signed.txHash })
          .catch(() => null);
        if (!mined) return { kind: "dropped", txHash: signed.txHash, message };
      }
    }
    await opts.afterBroadcast?.();
  }
  const receipt =
    existing ??
    (await publicClient.waitForTransactionReceipt({
      hash: signed.txHash,
      timeout: opts.timeoutMs ?? 120_000,
    }));
  return receipt.status === "success"
    ? { kind: "confirmed", txHash: signed.txHash, blockNumber: receipt.blockNumber }
    : { kind: "reverted", txHash: signed.txHash };
}

export type StoredTransfer = { signedTx: string | null; txHash: string | null };

/**
 * The whole crash-safe send for a row that holds its transfer (a payout, a refund): sign and
 * `store` it unless the row already holds one, then land the stored bytes. A refusal (funds, gas,
 * configuration) is returned before anything is signed or stored.
 */
export async function sendStoredTreasuryTransfer(
  deps: TreasuryDeps,
  opts: {
    stored: StoredTransfer;
    transfer: TreasuryTransfer;
    store: (signed: SignedTransfer) => Promise<void>;
    afterBroadcast?: () => Promise<void>;
  },
): Promise<LandResult | Extract<SignResult, { ok: false }>> {
  let signed: SignedTransfer | null =
    opts.stored.signedTx && opts.stored.txHash
      ? { signedTx: opts.stored.signedTx as Hex, txHash: opts.stored.txHash as Hex }
      : null;
  if (!signed) {
    const result = await signTreasuryTransfer(deps, opts.transfer);
    if (!result.ok) return result;
    signed = result.signed;
    // stored before broadcast: after a crash these exact bytes are looked up and re-sent
    await opts.store(signed);
  }
  return landTreasuryTransfer(deps, opts.transfer.network, signed, {
    afterBroadcast: opts.afterBroadcast,
  });
}

/** Why a transfer that did not confirm moved nothing, in words for the row's error field. */
export function unconfirmedReason(
  result: Exclude<LandResult, { kind: "confirmed" }> | Extract<SignResult, { ok: false }>,
): string {
  if ("ok" in result) return `${result.reason}: ${result.message}`;
  return result.kind === "reverted"
    ? `the transfer ${result.txHash} reverted`
    : `the transfer ${result.txHash} was dropped: ${result.message}`;
}
