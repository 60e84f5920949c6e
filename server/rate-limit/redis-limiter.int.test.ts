import { randomUUID } from "node:crypto";

import { describe, expect, inject, it } from "vitest";

import { createLogger } from "@/server/observability/logger";

import { createRedisRateLimiter } from "./redis-limiter";

// Two limiters on one Redis stand for two gateway instances: they must draw from one bucket.
const REDIS_URL = inject("redisUrl");
const log = createLogger({ level: "silent" });

describe("the Redis rate limiter", () => {
  it("shares one token bucket per key across instances and says when to retry", async () => {
    const prefix = `x4g:test:${randomUUID()}:`;
    const one = createRedisRateLimiter(REDIS_URL, { log, keyPrefix: prefix });
    const two = createRedisRateLimiter(REDIS_URL, { log, keyPrefix: prefix });
    try {
      const decisions = [];
      for (let i = 0; i < 8; i++)
        decisions.push(await (i % 2 === 0 ? one : two).take("merchant:mer_1", 5));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
      const refused = decisions.find((d) => !d.allowed);
      expect(refused).toMatchObject({ allowed: false });
      expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      // another merchant has its own bucket
      expect(await one.take("merchant:mer_2", 5)).toEqual({
        allowed: true,
        remaining: 4,
        resetSeconds: 12,
      });
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("takes from several buckets all-or-nothing, across instances", async () => {
    const prefix = `x4g:test:${randomUUID()}:`;
    const one = createRedisRateLimiter(REDIS_URL, { log, keyPrefix: prefix });
    const two = createRedisRateLimiter(REDIS_URL, { log, keyPrefix: prefix });
    try {
      const buckets = (client: string) => [
        { key: `client:${client}`, limit: 2 },
        { key: "merchant", limit: 3 },
      ];
      expect(await one.takeAll(buckets("a"))).toEqual({ allowed: true });
      expect(await two.takeAll(buckets("a"))).toEqual({ allowed: true });
      // client a is out; its refusal does not use up the merchant's third token
      expect(await one.takeAll(buckets("a"))).toMatchObject({ allowed: false, key: "client:a" });
      expect(await two.takeAll(buckets("b"))).toEqual({ allowed: true });
      const refused = await one.takeAll(buckets("c"));
      expect(refused).toMatchObject({ allowed: false, key: "merchant" });
      expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("fails open when Redis is unreachable, so paid traffic keeps flowing", async () => {
    const down = createRedisRateLimiter("redis://127.0.0.1:1", { log });
    try {
      expect(await down.take("merchant:mer_1", 1)).toEqual({ allowed: true });
    } finally {
      await down.close();
    }
  });
});
