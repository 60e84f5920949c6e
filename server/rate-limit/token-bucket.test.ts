import { describe, expect, it } from "vitest";

import { takeToken, type BucketState } from "./token-bucket";

describe("takeToken", () => {
  const opts = { capacity: 3, windowMs: 3000 };

  it("allows a full burst, then refuses with the wait until the next token", () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 3; i++) {
      const r = takeToken(state, { ...opts, nowMs: 1000 });
      expect(r.allowed).toBe(true);
      state = r.state;
    }
    const refused = takeToken(state, { ...opts, nowMs: 1000 });
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it("refills continuously over time and never above capacity", () => {
    const empty = { tokens: 0, updatedAtMs: 0 };
    expect(takeToken(empty, { ...opts, nowMs: 500 }).allowed).toBe(false);
    const after = takeToken(empty, { ...opts, nowMs: 1000 });
    expect(after).toMatchObject({ allowed: true, remaining: 0 });
    const later = takeToken(empty, { ...opts, nowMs: 1_000_000 });
    expect(later).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("ignores a clock that went backwards", () => {
    const r = takeToken({ tokens: 1, updatedAtMs: 5000 }, { ...opts, nowMs: 4000 });
    expect(r.allowed).toBe(true);
  });
});
