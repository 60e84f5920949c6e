import { describe, expect, it } from "vitest";

import { createMemoryRateLimiter } from "./limiter";

describe("the memory limiter's takeAll", () => {
  it("takes from every bucket when all have a token, and from none when one is empty", async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter(() => now);
    const buckets = (client: string) => [
      { key: `client:${client}`, limit: 2 },
      { key: "merchant", limit: 3 },
    ];
    expect(await limiter.takeAll(buckets("a"))).toEqual({ allowed: true });
    expect(await limiter.takeAll(buckets("a"))).toEqual({ allowed: true });
    // a's bucket is empty: refused, and the merchant's third token is not used up by the refusal
    expect(await limiter.takeAll(buckets("a"))).toEqual({
      allowed: false,
      retryAfterSeconds: 30,
      key: "client:a",
    });
    expect(await limiter.takeAll(buckets("b"))).toEqual({ allowed: true });
    expect(await limiter.takeAll(buckets("c"))).toEqual({
      allowed: false,
      retryAfterSeconds: 20,
      key: "merchant",
    });
    now = 20_000;
    expect(await limiter.takeAll(buckets("c"))).toEqual({ allowed: true });
  });
});
