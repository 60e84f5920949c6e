import { describe, expect, it } from "vitest";

import { sourcesHash } from "./build-token";
import { CONTRACTS_SOURCES_HASH, TEST_USDC_ABI } from "./contracts.artifact";

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
