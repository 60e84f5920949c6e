import { describe, expect, it } from "vitest";

import { describeSendError, isNonceRejection, nonceRetryDelayMs } from "./nonce-retry";

describe("sending again after a nonce collision", () => {
  it("recognises the node's nonce rejections, also when wrapped as a cause", () => {
    expect(isNonceRejection(new Error("nonce too low: next nonce 12, tx nonce 11"))).toBe(true);
    expect(
      isNonceRejection(
        new Error("Transaction execution failed", {
          cause: new Error("replacement transaction underpriced"),
        }),
      ),
    ).toBe(true);
    expect(
      isNonceRejection(
        Object.assign(new Error("RPC error"), {
          details:
            "Nonce provided for the transaction is lower than the current nonce of the account",
        }),
      ),
    ).toBe(true);
    expect(isNonceRejection(new Error("The request took too long to respond."))).toBe(false);
    expect(
      isNonceRejection(new Error("execution reverted: authorization is used or canceled")),
    ).toBe(false);
  });

  it("waits a jittered, growing moment between attempts", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => nonceRetryDelayMs(attempt, 0.5))).toEqual([
      10, 20, 40, 80, 160, 200, 200,
    ]);
    expect(nonceRetryDelayMs(1, 0)).toBe(0);
    expect(nonceRetryDelayMs(3, 0.999)).toBe(79);
    expect(nonceRetryDelayMs(30, 0.999)).toBe(399);
  });

  it("describes a send error without viem's ABI and calldata", () => {
    const err = Object.assign(new Error("very long message with the whole abi …"), {
      shortMessage: "Nonce provided for the transaction is lower than the current nonce",
      details: "nonce too low",
    });
    expect(describeSendError(err)).toBe(
      "Nonce provided for the transaction is lower than the current nonce: nonce too low",
    );
    expect(describeSendError("plain")).toBe("plain");
  });
});
