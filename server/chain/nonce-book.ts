// Nonce bookkeeping for one sending account, kept locally so settlements are sent back to back
// without a round trip for the count each (server/chain/settlement-sender.ts drives it). Pure: the
// sender tells it what the chain said and what happened to each send.
//
// A nonce that was taken but provably never reached the node (the node refused the transaction)
// goes back to `free` and is handed out again first, so a refusal leaves no gap behind the
// transactions already sent above it. A nonce whose send may have been accepted (a timeout) is
// never reused: the same signed bytes are broadcast again instead.

export type NonceBook = {
  /** The next nonce never handed out (null until the first sync). */
  next: bigint | null;
  /** Nonces below `next` that were handed out and given back, ascending. */
  free: bigint[];
};

export function emptyNonceBook(): NonceBook {
  return { next: null, free: [] };
}

/**
 * Folds in the chain's count of the account's transactions (pending or mined): nonces below it are
 * used by someone (this process or another instance on the same key), so they are no longer ours
 * to hand out.
 */
export function syncNonceBook(book: NonceBook, chainCount: bigint): NonceBook {
  const next = book.next === null || chainCount > book.next ? chainCount : book.next;
  return { next, free: book.free.filter((n) => n >= chainCount) };
}

/** The nonce for the next transaction: a given-back one first (it fills a hole), else a new one. */
export function takeNonce(book: NonceBook): { book: NonceBook; nonce: bigint } {
  if (book.next === null)
    throw new Error("takeNonce before the nonce book was synced with the chain");
  const [lowest, ...rest] = book.free;
  if (lowest !== undefined) return { book: { ...book, free: rest }, nonce: lowest };
  return { book: { ...book, next: book.next + 1n }, nonce: book.next };
}

/** Gives back a nonce whose transaction the node refused (it was never accepted). */
export function releaseNonce(book: NonceBook, nonce: bigint): NonceBook {
  if (book.next === null || nonce >= book.next || book.free.includes(nonce)) return book;
  // the newest nonce handed out simply rewinds the counter; an older one becomes a hole to refill
  if (nonce === book.next - 1n) {
    let next = nonce;
    const free = [...book.free];
    // holes just below it now sit at the top too: rewind over them as well
    while (free.length > 0 && free[free.length - 1] === next - 1n) {
      free.pop();
      next -= 1n;
    }
    return { next, free };
  }
  return { ...book, free: [...book.free, nonce].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/**
 * What to do about transactions that have waited too long: the chain has mined everything below
 * `minedCount`, and ours wait at `waiting` (nonces). Every nonce between the mined count and our
 * highest waiting one that we do not hold is a hole (a refused send, or another instance that took
 * the nonce and died) which stalls all of ours above it: it is filled with a no-op transaction. Ours
 * at the head of the line are broadcast again (a node may have dropped them).
 */
export function planStuckRecovery(
  minedCount: bigint,
  waiting: readonly bigint[],
): { fill: bigint[]; rebroadcast: bigint[] } {
  const ours = new Set(waiting.filter((n) => n >= minedCount));
  if (ours.size === 0) return { fill: [], rebroadcast: [] };
  const highest = [...ours].reduce((a, b) => (b > a ? b : a));
  const fill: bigint[] = [];
  const rebroadcast: bigint[] = [];
  for (let n = minedCount; n <= highest; n++) (ours.has(n) ? rebroadcast : fill).push(n);
  return { fill, rebroadcast };
}

/**
 * Which account sends the next settlement: the one with the fewest transactions waiting for a
 * receipt; ties go to the first at or after `rotation`, so equal accounts take turns.
 */
export function chooseAccount(pendingCounts: readonly number[], rotation: number): number {
  if (pendingCounts.length === 0) throw new Error("chooseAccount needs at least one account");
  let best = -1;
  for (let i = 0; i < pendingCounts.length; i++) {
    const index = (rotation + i) % pendingCounts.length;
    if (best === -1 || (pendingCounts[index] as number) < (pendingCounts[best] as number))
      best = index;
  }
  return best;
}
