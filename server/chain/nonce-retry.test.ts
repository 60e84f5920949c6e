import { describe, expect, it } from "vitest";

import { describeSendError, isNonceRejection, nonceRetryDelayMs, withNonceRetry } from "./nonce-retry";

describe("sending again after a nonce collision", () => {
  it("recognises the node's nonce rejections, also when wrapped as a cause", () => {
    expect(isNonceRejection(new Error("nonce too low: next nonce 12, tx nonce 11"))).toBe(true);
    expect(isNonceRejection(new Error("Transaction execution failed", { cause: new Error("replacement transaction underpriced") }))).toBe(true);
    expect(isNonceRejection(Object.assign(new Error("RPC error"), { details: "Nonce provided for the transaction is lower than the current nonce of the account" }))).toBe(true);
    expect(isNonceRejection(new Error("The request took too long to respond."))).toBe(false);
    expect(isNonceRejection(new Error("execution reverted: authorization is used or canceled"))).toBe(false);
  });

  it("sends again on a nonce rejection and never on anything else", async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await withNonceRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("nonce too low");
        return "0xhash";
      },
      { onRetry: (_err, attempt) => retried.push(attempt) },
    );
    expect(result).toBe("0xhash");
    expect(retried).toEqual([1, 2]);

    let timeouts = 0;
    await expect(withNonceRetry(async () => Promise.reject(new Error(`timeout ${++timeouts}`)))).rejects.toThrow("timeout 1");
    expect(timeouts).toBe(1);

    let collisions = 0;
    await expect(withNonceRetry(async () => Promise.reject(new Error(`nonce too low ${++collisions}`)), { attempts: 3, wait: async () => undefined })).rejects.toThrow("nonce too low 3");
  });

  it("waits a jittered, growing moment between attempts, and tries twelve times by default", async () => {
    const waits: number[] = [];
    let collisions = 0;
    await expect(
      withNonceRetry(async () => Promise.reject(new Error(`nonce too low ${++collisions}`)), { wait: async (ms) => void waits.push(ms), random: () => 0.5 }),
    ).rejects.toThrow("nonce too low 12");
    expect(waits).toEqual([10, 20, 40, 80, 160, 200, 200, 200, 200, 200, 200]);
    expect(nonceRetryDelayMs(1, 0)).toBe(0);
    expect(nonceRetryDelayMs(3, 0.999)).toBe(79);
    expect(nonceRetryDelayMs(30, 0.999)).toBe(399);
  });

  it("describes a send error without viem's ABI and calldata", () => {
    const err = Object.assign(new Error("very long message with the whole abi …"), { shortMessage: "Nonce provided for the transaction is lower than the current nonce", details: "nonce too low" });
    expect(describeSendError(err)).toBe("Nonce provided for the transaction is lower than the current nonce: nonce too low");
    expect(describeSendError("plain")).toBe("plain");
  });
});
