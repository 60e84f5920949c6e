import { encodeAbiParameters, keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";

import { sourcesHash } from "./build-token";
import { uptoSourcesHash } from "./build-upto-contracts";
import { CONTRACTS_SOURCES_HASH, TEST_USDC_ABI } from "./contracts.artifact";
import {
  exactProxyRuntimeCode,
  PERMIT2_ADDRESS,
  permit2RuntimeCode,
  uptoProxyRuntimeCode,
} from "./permit2";
import {
  EXACT_PROXY_IMMUTABLES,
  PERMIT2_IMMUTABLES,
  UPTO_CONTRACTS_SOURCES_HASH,
  UPTO_PROXY_IMMUTABLES,
} from "./upto-contracts.artifact";

describe("committed contract artifact", () => {
  it("was built from the current Solidity sources (run `npm run chain:build` after editing a .sol)", () => {
    expect(CONTRACTS_SOURCES_HASH).toBe(sourcesHash());
  });

  it("exposes both transferWithAuthorization overloads and authorizationState", () => {
    const overloads = TEST_USDC_ABI.filter(
      (item) => item.type === "function" && item.name === "transferWithAuthorization",
    );
    expect(overloads.map((o) => ("inputs" in o ? o.inputs.length : 0)).sort()).toEqual([7, 9]);
    expect(
      TEST_USDC_ABI.some((item) => item.type === "function" && item.name === "authorizationState"),
    ).toBe(true);
  });
});

describe("committed upto contracts artifact (Permit2 and the x402 upto proxy)", () => {
  it("was built from the current Solidity sources in server/chain/contracts (run `npm run chain:build`)", () => {
    expect(UPTO_CONTRACTS_SOURCES_HASH).toBe(uptoSourcesHash());
  });

  it("fills the immutables for the canonical addresses: Permit2's domain separator and the proxy's PERMIT2", () => {
    const permit2 = permit2RuntimeCode(84532);
    const separator = keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }, { type: "address" }],
        [
          keccak256(toHex("EIP712Domain(string name,uint256 chainId,address verifyingContract)")),
          keccak256(toHex("Permit2")),
          84532n,
          PERMIT2_ADDRESS,
        ],
      ),
    );
    const at = PERMIT2_IMMUTABLES._CACHED_DOMAIN_SEPARATOR[0];
    expect(`0x${permit2.slice(2 + at * 2, 2 + at * 2 + 64)}`).toBe(separator);
    const proxy = uptoProxyRuntimeCode();
    for (const offset of UPTO_PROXY_IMMUTABLES.PERMIT2)
      expect(proxy.slice(2 + offset * 2 + 24, 2 + offset * 2 + 64)).toBe(
        PERMIT2_ADDRESS.slice(2).toLowerCase(),
      );
  });

  it("fills the exact Permit2 proxy's PERMIT2 immutable with the canonical Permit2", () => {
    const proxy = exactProxyRuntimeCode();
    expect(EXACT_PROXY_IMMUTABLES.PERMIT2.length).toBeGreaterThan(0);
    for (const offset of EXACT_PROXY_IMMUTABLES.PERMIT2)
      expect(proxy.slice(2 + offset * 2 + 24, 2 + offset * 2 + 64)).toBe(
        PERMIT2_ADDRESS.slice(2).toLowerCase(),
      );
  });
});
