import { describe, expect, it } from "vitest";

import {
  BATCH_CONTRACTS_SOURCES_HASH,
  X402_BATCH_SETTLEMENT_ABI,
} from "./batch-contracts.artifact";
import { batchSourcesHash } from "./build-batch-contracts";

describe("committed batch-settlement contracts artifact", () => {
  it("was built from the current Solidity sources (run `npm run chain:build` after editing a .sol)", () => {
    expect(BATCH_CONTRACTS_SOURCES_HASH).toBe(batchSourcesHash());
  });

  it("exposes what the official facilitator part calls", () => {
    const functions = X402_BATCH_SETTLEMENT_ABI.filter((item) => item.type === "function").map(
      (item) => ("name" in item ? item.name : ""),
    );
    for (const name of [
      "deposit",
      "claimWithSignature",
      "settle",
      "refundWithSignature",
      "channels",
      "receivers",
    ])
      expect(functions).toContain(name);
  });
});
