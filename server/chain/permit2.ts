import {
  PERMIT2_ADDRESS,
  x402ExactPermit2ProxyAddress as EXACT_PERMIT2_PROXY_ADDRESS,
  x402UptoPermit2ProxyAddress as UPTO_PERMIT2_PROXY_ADDRESS,
} from "@x402/evm";
import {
  encodeAbiParameters,
  keccak256,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";

import {
  EXACT_PROXY_IMMUTABLES,
  EXACT_PROXY_RUNTIME_BYTECODE,
  PERMIT2_IMMUTABLES,
  PERMIT2_RUNTIME_BYTECODE,
  UPTO_PROXY_IMMUTABLES,
  UPTO_PROXY_RUNTIME_BYTECODE,
} from "./upto-contracts.artifact";

// The canonical addresses the official `upto` and exact-Permit2 schemes hard-code (the same on every EVM chain).
export { EXACT_PERMIT2_PROXY_ADDRESS, PERMIT2_ADDRESS, UPTO_PERMIT2_PROXY_ADDRESS };

function fillImmutables(
  code: Hex,
  offsets: Record<string, readonly number[]>,
  values: Record<string, Hex>,
): Hex {
  let hex = code.slice(2);
  for (const [name, positions] of Object.entries(offsets)) {
    const value = values[name];
    if (!value) throw new Error(`no value for immutable ${name}`);
    const word = value.slice(2).toLowerCase().padStart(64, "0");
    for (const at of positions) hex = hex.slice(0, at * 2) + word + hex.slice(at * 2 + 64);
  }
  return `0x${hex}`;
}

/** Permit2's runtime code as its constructor would leave it at the canonical address on `chainId`. */
export function permit2RuntimeCode(chainId: number): Hex {
  const domainSeparator = keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }, { type: "address" }],
      [
        keccak256(toHex("EIP712Domain(string name,uint256 chainId,address verifyingContract)")),
        keccak256(toHex("Permit2")),
        BigInt(chainId),
        PERMIT2_ADDRESS,
      ],
    ),
  );
  return fillImmutables(PERMIT2_RUNTIME_BYTECODE, PERMIT2_IMMUTABLES, {
    _CACHED_DOMAIN_SEPARATOR: domainSeparator,
    _CACHED_CHAIN_ID: toHex(chainId),
  });
}

/** The upto proxy's runtime code with its PERMIT2 immutable set to the canonical Permit2. */
export function uptoProxyRuntimeCode(): Hex {
  return fillImmutables(UPTO_PROXY_RUNTIME_BYTECODE, UPTO_PROXY_IMMUTABLES, {
    PERMIT2: PERMIT2_ADDRESS,
  });
}

/** The exact scheme's Permit2 proxy's runtime code with its PERMIT2 immutable set to the canonical Permit2. */
export function exactProxyRuntimeCode(): Hex {
  return fillImmutables(EXACT_PROXY_RUNTIME_BYTECODE, EXACT_PROXY_IMMUTABLES, {
    PERMIT2: PERMIT2_ADDRESS,
  });
}

/** Places Permit2 and the x402 upto and exact Permit2 proxies at their canonical addresses on an anvil chain. */
export async function installUptoContracts(client: PublicClient, chainId: number): Promise<void> {
  const codes: [Address, Hex][] = [
    [PERMIT2_ADDRESS, permit2RuntimeCode(chainId)],
    [UPTO_PERMIT2_PROXY_ADDRESS, uptoProxyRuntimeCode()],
    [EXACT_PERMIT2_PROXY_ADDRESS, exactProxyRuntimeCode()],
  ];
  for (const [address, code] of codes)
    await client.request({ method: "anvil_setCode" as never, params: [address, code] as never });
}
