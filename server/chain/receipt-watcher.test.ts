import { TransactionReceiptNotFoundError, type Hash, type PublicClient } from "viem";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createReceiptWatcher } from "./receipt-watcher";

// The watcher looks for a receipt as soon as a hash is added, then at its quick delays, then every
// pollIntervalMs. A node that mines a few milliseconds after accepting the transaction (anvil's
// automine) must not cost the settlement a whole interval.

const HASH = `0x${"ab".repeat(32)}` as Hash;

function fakeChain() {
  let block = 1n;
  const mined = new Map<string, bigint>();
  const calls = { blockNumber: 0, receipt: 0 };
  const client = {
    getBlockNumber: async () => {
      calls.blockNumber += 1;
      return block;
    },
    getTransactionReceipt: async ({ hash }: { hash: Hash }) => {
      calls.receipt += 1;
      const at = mined.get(hash);
      if (at === undefined) throw new TransactionReceiptNotFoundError({ hash });
      return { transactionHash: hash, blockNumber: at, status: "success" };
    },
  };
  return {
    publicClient: client as unknown as PublicClient,
    calls,
    mine(hash: Hash) {
      block += 1n;
      mined.set(hash, block);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the receipt watcher", () => {
  it("finds a receipt mined just after its first look at a quick look, not a whole interval later", async () => {
    const chain = fakeChain();
    const watcher = createReceiptWatcher(chain, { pollIntervalMs: 10_000 });
    let receipt: unknown = null;
    void watcher.wait(HASH, 60_000).then((r) => (receipt = r));
    await vi.advanceTimersByTimeAsync(1);
    expect(receipt).toBeNull();
    chain.mine(HASH);
    await vi.advanceTimersByTimeAsync(30);
    expect(receipt).toMatchObject({ transactionHash: HASH });
    watcher.stop();
  });

  it("without quick looks waits for the interval", async () => {
    const chain = fakeChain();
    const watcher = createReceiptWatcher(chain, { pollIntervalMs: 10_000, quickLooksMs: [] });
    let receipt: unknown = null;
    void watcher.wait(HASH, 60_000).then((r) => (receipt = r));
    await vi.advanceTimersByTimeAsync(1);
    chain.mine(HASH);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(receipt).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(receipt).toMatchObject({ transactionHash: HASH });
    watcher.stop();
  });

  it("looks at most once per quick delay, and not at all once nothing is waited for", async () => {
    const chain = fakeChain();
    const watcher = createReceiptWatcher(chain, { pollIntervalMs: 10_000 });
    // never mined while it is waited for: the first look (which reads the block number twice: it
    // moved from unknown) plus the four quick looks
    void watcher.wait(HASH, 60_000).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(chain.calls.blockNumber).toBe(6);
    chain.mine(HASH);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(watcher.size()).toBe(0);
    const after = chain.calls.blockNumber;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(chain.calls.blockNumber).toBe(after);
    watcher.stop();
  });
});
