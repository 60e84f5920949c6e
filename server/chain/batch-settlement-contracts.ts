import {
  BATCH_SETTLEMENT_ADDRESS,
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
  PERMIT2_ADDRESS,
} from "@x402/evm";
import { encodeAbiParameters, type Address, type Hex, type PublicClient } from "viem";

import {
  ERC3009_DEPOSIT_COLLECTOR_CREATION_BYTECODE,
  PERMIT2_DEPOSIT_COLLECTOR_CREATION_BYTECODE,
  X402_BATCH_SETTLEMENT_CREATION_BYTECODE,
} from "./batch-contracts.artifact";

// The canonical addresses the official `batch-settlement` scheme hard-codes (the same on every EVM
// chain). @x402/evm exports the first two; the Permit2 collector's address is only in its internals.
export const BATCH_SETTLEMENT_CONTRACT_ADDRESS = BATCH_SETTLEMENT_ADDRESS as Address;
export const ERC3009_COLLECTOR_ADDRESS = ERC3009_DEPOSIT_COLLECTOR_ADDRESS as Address;
export const PERMIT2_COLLECTOR_ADDRESS = "0x4020425FAf3B746C082C2f942b4E5159887B0005" as Address;

/**
 * The runtime code a constructor leaves behind, from an eth_call of the creation code: every
 * immutable is set as a deployment would set it. The EIP-712 base caches the domain for the
 * address the call ran at and recomputes it for any other, so the code is right at the canonical
 * address too; the collectors' immutables are the addresses passed in.
 */
async function runtimeOf(client: PublicClient, creation: Hex, args: Hex = "0x"): Promise<Hex> {
  const { data } = await client.call({ data: `${creation}${args.slice(2)}` as Hex });
  if (!data || data === "0x") throw new Error("the constructor returned no code");
  return data;
}

/** Places x402BatchSettlement and its ERC-3009 and Permit2 deposit collectors at their canonical addresses on an anvil chain. */
export async function installBatchSettlementContracts(client: PublicClient): Promise<void> {
  const settlementArg = encodeAbiParameters([{ type: "address" }], [BATCH_SETTLEMENT_ADDRESS]);
  const codes: [Address, Hex][] = [
    [
      BATCH_SETTLEMENT_CONTRACT_ADDRESS,
      await runtimeOf(client, X402_BATCH_SETTLEMENT_CREATION_BYTECODE),
    ],
    [
      ERC3009_COLLECTOR_ADDRESS,
      await runtimeOf(client, ERC3009_DEPOSIT_COLLECTOR_CREATION_BYTECODE, settlementArg),
    ],
    [
      PERMIT2_COLLECTOR_ADDRESS,
      await runtimeOf(
        client,
        PERMIT2_DEPOSIT_COLLECTOR_CREATION_BYTECODE,
        encodeAbiParameters(
          [{ type: "address" }, { type: "address" }],
          [BATCH_SETTLEMENT_ADDRESS, PERMIT2_ADDRESS],
        ),
      ),
    ],
  ];
  for (const [address, code] of codes)
    await client.request({ method: "anvil_setCode" as never, params: [address, code] as never });
}
