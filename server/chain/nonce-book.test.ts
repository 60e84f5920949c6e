import { describe, expect, it } from "vitest";

import {
  chooseAccount,
  emptyNonceBook,
  planStuckRecovery,
  releaseNonce,
  syncNonceBook,
  takeNonce,
  type NonceBook,
} from "./nonce-book";

function takeMany(book: NonceBook, count: number): { book: NonceBook; nonces: bigint[] } {
  const nonces: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const taken = takeNonce(book);
    book = taken.book;
    nonces.push(taken.nonce);
  }
  return { book, nonces };
}

describe("the nonce book", () => {
  it("refuses to hand out a nonce before it knows the chain's count", () => {
    expect(() => takeNonce(emptyNonceBook())).toThrow(/synced/);
  });

  it("hands out consecutive nonces from the chain's count", () => {
    const { book, nonces } = takeMany(syncNonceBook(emptyNonceBook(), 7n), 3);
    expect(nonces).toEqual([7n, 8n, 9n]);
    expect(book).toEqual({ next: 10n, free: [] });
  });

  it("moves up to a higher chain count (another instance sent) and never down", () => {
    const book = syncNonceBook(emptyNonceBook(), 5n);
    expect(syncNonceBook(book, 9n).next).toBe(9n);
    expect(syncNonceBook(takeMany(book, 4).book, 6n).next).toBe(9n);
  });

  it("rewinds the counter when the newest nonce is given back", () => {
    const { book } = takeMany(syncNonceBook(emptyNonceBook(), 0n), 3);
    expect(releaseNonce(book, 2n)).toEqual({ next: 2n, free: [] });
  });

  it("refills an older given-back nonce first, lowest first", () => {
    let { book } = takeMany(syncNonceBook(emptyNonceBook(), 0n), 5);
    book = releaseNonce(book, 3n);
    book = releaseNonce(book, 1n);
    expect(book.free).toEqual([1n, 3n]);
    const { nonces, book: after } = takeMany(book, 3);
    expect(nonces).toEqual([1n, 3n, 5n]);
    expect(after).toEqual({ next: 6n, free: [] });
  });

  it("rewinds over holes that end up at the top", () => {
    let { book } = takeMany(syncNonceBook(emptyNonceBook(), 0n), 4);
    book = releaseNonce(book, 2n);
    book = releaseNonce(book, 1n);
    expect(releaseNonce(book, 3n)).toEqual({ next: 1n, free: [] });
  });

  it("ignores a give-back of a nonce it never handed out or already holds", () => {
    const { book } = takeMany(syncNonceBook(emptyNonceBook(), 0n), 2);
    expect(releaseNonce(book, 5n)).toBe(book);
    const once = releaseNonce(book, 0n);
    expect(releaseNonce(once, 0n)).toBe(once);
    expect(releaseNonce(emptyNonceBook(), 0n)).toEqual(emptyNonceBook());
  });

  it("drops given-back nonces the chain has since used", () => {
    let { book } = takeMany(syncNonceBook(emptyNonceBook(), 0n), 4);
    book = releaseNonce(releaseNonce(book, 1n), 2n);
    expect(syncNonceBook(book, 2n)).toEqual({ next: 4n, free: [2n] });
  });
});

describe("recovering stuck transactions", () => {
  it("fills the holes below ours and broadcasts ours again", () => {
    expect(planStuckRecovery(10n, [12n, 13n, 15n])).toEqual({
      fill: [10n, 11n, 14n],
      rebroadcast: [12n, 13n, 15n],
    });
  });

  it("only broadcasts again when nothing is missing", () => {
    expect(planStuckRecovery(10n, [10n, 11n])).toEqual({ fill: [], rebroadcast: [10n, 11n] });
  });

  it("does nothing when every waiting nonce is already mined (the receipt is on its way)", () => {
    expect(planStuckRecovery(10n, [8n, 9n])).toEqual({ fill: [], rebroadcast: [] });
    expect(planStuckRecovery(10n, [])).toEqual({ fill: [], rebroadcast: [] });
  });
});

describe("choosing the sending account", () => {
  it("picks the account with the fewest transactions waiting", () => {
    expect(chooseAccount([3, 1, 2], 0)).toBe(1);
    expect(chooseAccount([0, 4, 4], 2)).toBe(0);
  });

  it("takes turns among equally loaded accounts", () => {
    expect([0, 1, 2, 3].map((rotation) => chooseAccount([2, 2, 2], rotation))).toEqual([
      0, 1, 2, 0,
    ]);
    expect(chooseAccount([5, 2, 2], 0)).toBe(1);
    expect(chooseAccount([5, 2, 2], 2)).toBe(2);
  });

  it("needs an account", () => {
    expect(() => chooseAccount([], 0)).toThrow(/at least one/);
  });
});
