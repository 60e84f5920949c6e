import { describe, expect, it } from "vitest";

import { settlementKeyOf } from "./local-facilitator";

// What a settlement spends, so the sender never sends it twice: a Permit2 nonce is spent once,
// whichever proxy settles it and whatever a retry would ask for.

const OWNER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const permit = { permitted: { token: "0x7e57", amount: 30_000n }, nonce: 42n, deadline: 1n };
const witness = { to: "0x90f79bf6eb2c4f870365e785982e1f101e93b906", validAfter: 0n };

describe("settlementKeyOf", () => {
  it("keys the exact Permit2 proxy's settle(permit, owner, witness, sig) by owner and nonce", () => {
    expect(
      settlementKeyOf(
        "0x402085c248EeA27D92E8b30b2C58ed07f9E20001",
        "settle",
        [permit, OWNER, witness, "0xsig"],
        "0x01",
      ),
    ).toBe(`permit2:${OWNER.toLowerCase()}:42`);
  });

  it("keys the upto proxy's settle(permit, amount, owner, witness, sig) the same way", () => {
    expect(
      settlementKeyOf(
        "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002",
        "settle",
        [permit, 10_000n, OWNER, { ...witness, facilitator: OWNER }, "0xsig"],
        "0x02",
      ),
    ).toBe(`permit2:${OWNER.toLowerCase()}:42`);
  });

  it("keys settleWithPermit (after an EIP-2612 permit) by the Permit2 nonce too", () => {
    expect(
      settlementKeyOf(
        "0x402085c248EeA27D92E8b30b2C58ed07f9E20001",
        "settleWithPermit",
        [{ value: 1n }, permit, OWNER, witness, "0xsig"],
        "0x03",
      ),
    ).toBe(`permit2:${OWNER.toLowerCase()}:42`);
  });
});
