import { encodeAbiParameters, encodeEventTopics, type Log } from "viem";
import { describe, expect, it } from "vitest";

import { checkTransferReceipt, ERC20_TRANSFER_EVENTS } from "./receipt";

const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const FROM = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
const TO = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const HASH = `0x${"cd".repeat(32)}` as const;

function transferLog(address: string, to: string, value: bigint): Log {
  return {
    address: address as `0x${string}`,
    topics: encodeEventTopics({
      abi: ERC20_TRANSFER_EVENTS,
      eventName: "Transfer",
      args: { from: FROM, to: to as `0x${string}` },
    }) as [`0x${string}`],
    data: encodeAbiParameters([{ type: "uint256" }], [value]),
    blockHash: `0x${"00".repeat(32)}`,
    blockNumber: 1n,
    logIndex: 0,
    transactionHash: HASH,
    transactionIndex: 0,
    removed: false,
  };
}

describe("checkTransferReceipt", () => {
  const expected = { asset: TOKEN, from: FROM, payTo: TO, amount: 10_000n };

  it("accepts a successful receipt whose Transfer log pays payTo at least the amount", () => {
    expect(
      checkTransferReceipt(
        { status: "success", logs: [transferLog(TOKEN, TO, 10_000n)], transactionHash: HASH },
        expected,
      ),
    ).toEqual({ ok: true, transferred: 10_000n });
  });

  it("refuses a reverted transaction, a short transfer, another recipient and another token", () => {
    expect(
      checkTransferReceipt({ status: "reverted", logs: [], transactionHash: HASH }, expected),
    ).toMatchObject({ ok: false, reason: "invalid_exact_evm_transaction_failed" });
    for (const log of [
      transferLog(TOKEN, TO, 9_999n),
      transferLog(TOKEN, FROM, 10_000n),
      transferLog("0x036cbd53842c5426634e7929541ec2318f3dcf7e", TO, 10_000n),
    ]) {
      expect(
        checkTransferReceipt({ status: "success", logs: [log], transactionHash: HASH }, expected),
      ).toMatchObject({ ok: false, reason: "invalid_exact_evm_transfer_event_mismatch" });
    }
  });
});
