import { describe, expect, it } from "vitest";

import { settleVerdict } from "./settle-verdict";

const TX = `0x${"ab".repeat(32)}`;

describe("settleVerdict", () => {
  it("a success is settled", () => {
    expect(settleVerdict({ success: true, transaction: TX })).toBe("settled");
  });

  it.each([
    "invalid_exact_evm_signature",
    "invalid_exact_evm_insufficient_balance",
    "invalid_exact_evm_nonce_already_used",
    "invalid_exact_evm_payload_authorization_valid_before",
    "invalid_exact_evm_transaction_simulation_failed",
    "unsupported_network",
    "asset_not_deployed_contract",
  ])("a refusal before sending (%s, no transaction) proves nothing moved", (reason) => {
    expect(settleVerdict({ success: false, errorReason: reason, transaction: "" })).toBe(
      "nothing_moved",
    );
  });

  it("a mined transaction that reverted proves nothing moved", () => {
    expect(
      settleVerdict({
        success: false,
        errorReason: "invalid_exact_evm_transaction_failed",
        transaction: TX,
      }),
    ).toBe("nothing_moved");
  });

  it.each([
    [
      "the receipt wait timed out (v2 keeps the hash)",
      { errorReason: "settlement_pending", transaction: TX },
    ],
    [
      "the receipt wait timed out (v1 loses the hash and reports the error text)",
      { errorReason: "Timed out while waiting for transaction", transaction: "" },
    ],
    [
      "sending threw without a hash (the RPC may have broadcast it)",
      { errorReason: "invalid_exact_evm_transaction_failed", transaction: "" },
    ],
    [
      "the facilitator threw or did not answer",
      { errorReason: "facilitator_unavailable", transaction: "" },
    ],
    ["the receipt paid someone else", { errorReason: "transfer_mismatch", transaction: TX }],
    [
      "a hosted facilitator's unknown state",
      { errorReason: "invalid_transaction_state", transaction: "" },
    ],
    ["no reason at all", { errorReason: undefined, transaction: "" }],
  ])("%s is unclear", (_label, answer) => {
    expect(settleVerdict({ success: false, ...answer })).toBe("unclear");
  });
});
