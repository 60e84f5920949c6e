import {
  TransactionReceiptNotFoundError,
  type Hash,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

// One receipt poller per chain for every settlement in flight, instead of one
// waitForTransactionReceipt poller per transaction (50 settlements in flight were 50 pollers). Each
// poll is one JSON-RPC batch (the http transport batches calls made in the same tick): the block
// number plus the receipt of every hash not yet looked for since the last new block. A hash is looked
// for as soon as it is added (on an automining chain its receipt already exists), then once per new
// block until it is found or its waiter gives up.

export type ReceiptWatcher = {
  /** Resolves with the receipt once mined; rejects after `timeoutMs` (the transaction may still be mined later). */
  wait(hash: Hash, timeoutMs: number): Promise<TransactionReceipt>;
  /** Stops looking for `hash` (it was replaced and will never be mined): its waiters are rejected. */
  cancel(hash: Hash, reason: string): void;
  /**
   * `from` was replaced and its call sent again as `to`: `from`'s waiters get `to`'s receipt
   * (within their own time limits).
   */
  redirect(from: Hash, to: Hash): void;
  /** How many hashes are being waited for. */
  size(): number;
  stop(): void;
};

export class ReceiptTimeoutError extends Error {
  constructor(
    readonly hash: Hash,
    timeoutMs: number,
  ) {
    super(`no receipt for ${hash} within ${timeoutMs} ms (it may still be mined)`);
    this.name = "ReceiptTimeoutError";
  }
}

type Waiter = {
  /** the hash whose receipt it waits for (changes when redirected) */
  hash: Hash;
  resolve: (r: TransactionReceipt) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
};
type Watched = {
  waiters: Waiter[];
  /** the newest block known before the last look (null: never looked) */ lookedAt: bigint | null;
};

export function createReceiptWatcher(
  deps: { publicClient: PublicClient },
  opts: { pollIntervalMs?: number; onError?: (err: unknown) => void } = {},
): ReceiptWatcher {
  const pollIntervalMs = opts.pollIntervalMs ?? 250;
  const watched = new Map<Hash, Watched>();
  let knownBlock = -1n;
  let polling = false;
  let pollAgain = false;
  let soon: NodeJS.Immediate | null = null;
  let ticker: NodeJS.Timeout | null = null;

  const settle = (hash: Hash, receipt: TransactionReceipt) => {
    const entry = watched.get(hash);
    if (!entry) return;
    watched.delete(hash);
    for (const w of entry.waiters) {
      clearTimeout(w.timer);
      w.resolve(receipt);
    }
  };

  async function poll(): Promise<void> {
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    try {
      do {
        pollAgain = false;
        const before = knownBlock;
        if (watched.size === 0) break;
        const due = [...watched]
          .filter(([, w]) => w.lookedAt === null || w.lookedAt < before)
          .map(([hash]) => hash);
        const [block, ...receipts] = await Promise.all([
          deps.publicClient.getBlockNumber({ cacheTime: 0 }),
          ...due.map((hash) =>
            deps.publicClient.getTransactionReceipt({ hash }).catch((err: unknown) => {
              if (err instanceof TransactionReceiptNotFoundError) return null;
              throw err;
            }),
          ),
        ]);
        // marked with the block known *before* this look: a transaction mined between the receipt
        // read and the block number read is looked for again, since the block number moved past it
        for (const [i, hash] of due.entries()) {
          const receipt = receipts[i];
          if (receipt) settle(hash, receipt);
          else {
            const entry = watched.get(hash);
            if (entry) entry.lookedAt = before;
          }
        }
        if (block > knownBlock) {
          knownBlock = block;
          if (watched.size > 0) pollAgain = true;
        }
      } while (pollAgain);
    } catch (err) {
      opts.onError?.(err);
    } finally {
      polling = false;
    }
  }

  const pollSoon = () => {
    if (soon) return;
    soon = setImmediate(() => {
      soon = null;
      void poll();
    });
  };

  const ensureTicker = () => {
    if (ticker || watched.size === 0) return;
    ticker = setInterval(() => {
      if (watched.size === 0 && ticker) {
        clearInterval(ticker);
        ticker = null;
        return;
      }
      void poll();
    }, pollIntervalMs);
    ticker.unref();
  };

  return {
    wait(hash, timeoutMs) {
      const key = hash.toLowerCase() as Hash;
      return new Promise<TransactionReceipt>((resolve, reject) => {
        const entry: Watched = watched.get(key) ?? { waiters: [], lookedAt: null };
        const waiter: Waiter = {
          hash: key,
          resolve,
          reject,
          timer: setTimeout(() => {
            const current = watched.get(waiter.hash);
            if (current) {
              current.waiters = current.waiters.filter((w) => w !== waiter);
              if (current.waiters.length === 0) watched.delete(waiter.hash);
            }
            reject(new ReceiptTimeoutError(waiter.hash, timeoutMs));
          }, timeoutMs),
        };
        waiter.timer.unref();
        entry.waiters.push(waiter);
        watched.set(key, entry);
        ensureTicker();
        pollSoon();
      });
    },
    cancel(hash, reason) {
      const key = hash.toLowerCase() as Hash;
      const entry = watched.get(key);
      if (!entry) return;
      watched.delete(key);
      for (const w of entry.waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`${reason} (${key})`));
      }
    },
    redirect(from, to) {
      const fromKey = from.toLowerCase() as Hash;
      const toKey = to.toLowerCase() as Hash;
      const entry = watched.get(fromKey);
      if (!entry || fromKey === toKey) return;
      watched.delete(fromKey);
      const target: Watched = watched.get(toKey) ?? { waiters: [], lookedAt: null };
      for (const w of entry.waiters) {
        w.hash = toKey;
        target.waiters.push(w);
      }
      target.lookedAt = null;
      watched.set(toKey, target);
      pollSoon();
    },
    size: () => watched.size,
    stop() {
      if (ticker) clearInterval(ticker);
      ticker = null;
      if (soon) clearImmediate(soon);
      soon = null;
      for (const [hash, entry] of watched)
        for (const w of entry.waiters) {
          clearTimeout(w.timer);
          w.reject(new Error(`receipt watcher stopped while waiting for ${hash}`));
        }
      watched.clear();
    },
  };
}
