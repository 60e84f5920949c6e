import { describe, expect, it } from "vitest";

import { createId, MERCHANT_ID_PATTERN, randomHex, randomId } from "./ids";

describe("ids and nonces from the random pool", () => {
  it("mints prefixed ids of the documented shape", () => {
    expect(createId("merchant")).toMatch(MERCHANT_ID_PATTERN);
    expect(createId("request")).toMatch(/^req_[0-9a-z]{20}$/);
    expect(randomId(8)).toMatch(/^[0-9a-z]{8}$/);
  });

  it("hands out hex nonces that never repeat, across pool refills", () => {
    // 16-byte nonces through several 4 KiB refills (with ids drawn between them, misaligning the pool)
    const nonces = Array.from({ length: 1_000 }, (_, i) =>
      i % 7 === 0 ? (randomId(), randomHex(16)) : randomHex(16),
    );
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/);
  });
});
