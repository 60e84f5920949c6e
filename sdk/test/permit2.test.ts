import { createPermit2ApprovalTx } from "@x402/evm/exact/client";
import { describe, expect, it } from "vitest";

import { paysThroughPermit2, permit2ApprovalTransaction } from "../src/permit2";

describe("Permit2 helpers", () => {
  it("builds the same one-time approval as the official client", () => {
    const token = "0x7e57000000000000000000000000000000000002";
    const ours = permit2ApprovalTransaction(token);
    const official = createPermit2ApprovalTx(token);
    expect(ours.to.toLowerCase()).toBe(official.to.toLowerCase());
    expect(ours.data).toBe(official.data);
    expect(() => permit2ApprovalTransaction("0x1234")).toThrow(TypeError);
  });

  it("reads the transfer method from a requirement's extra", () => {
    expect(paysThroughPermit2({ extra: { assetTransferMethod: "permit2" } })).toBe(true);
    expect(paysThroughPermit2({ extra: { name: "USD Coin", version: "2" } })).toBe(false);
  });
});
