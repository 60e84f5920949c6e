import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";

import { createLogger } from "@/server/observability/logger";

import { onMerchantConfigChanged, publishMerchantConfigChanged } from "./invalidation";
import { startRedisInvalidation } from "./redis-invalidation";

// This process stands for one instance; a raw Redis connection stands for another.
const REDIS_URL = inject("redisUrl");
const log = createLogger({ level: "silent" });
const prefix = `x4g:test:${randomUUID()}:`;
const bus = startRedisInvalidation(REDIS_URL, { log, keyPrefix: prefix });
const other = new Redis(REDIS_URL);
const otherSubscriber = new Redis(REDIS_URL);

afterAll(async () => {
  await bus.close();
  other.disconnect();
  otherSubscriber.disconnect();
});

describe("cache invalidation across instances over Redis", () => {
  it("delivers another instance's change to this process's caches", async () => {
    const seen: string[] = [];
    const stop = onMerchantConfigChanged((id) => seen.push(id));
    // the subscription is made asynchronously: publish until it is in place
    await expect
      .poll(
        async () => {
          await other.publish(
            bus.channel,
            JSON.stringify({ origin: "another-instance", merchantId: "mer_remote" }),
          );
          return seen.includes("mer_remote");
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(true);
    await other.publish(
      bus.channel,
      JSON.stringify({ origin: "another-instance", merchantId: "mer_second" }),
    );
    await expect.poll(() => seen.includes("mer_second"), { timeout: 10_000 }).toBe(true);
    stop();
  });

  it("publishes this process's changes for the others, and ignores its own echo and malformed messages", async () => {
    await otherSubscriber.subscribe(bus.channel);
    const received: string[] = [];
    otherSubscriber.on("message", (_c: string, raw: string) => received.push(raw));
    const seen: string[] = [];
    const stop = onMerchantConfigChanged((id) => seen.push(id));
    publishMerchantConfigChanged("mer_local");
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(received[0] ?? "{}")).toMatchObject({ merchantId: "mer_local" });
    await other.publish(bus.channel, "not json");
    await other.publish(bus.channel, JSON.stringify({ merchantId: "mer_no_origin" }));
    // Redis delivers one channel's messages to a subscriber in the order it accepted them: once this
    // marker has arrived, the echo of "mer_local" and the two malformed messages have been handled
    await other.publish(
      bus.channel,
      JSON.stringify({ origin: "another-instance", merchantId: "mer_marker" }),
    );
    await expect.poll(() => seen.includes("mer_marker"), { timeout: 10_000 }).toBe(true);
    // delivered locally once (directly), not again when its own message came back
    expect(seen).toEqual(["mer_local", "mer_marker"]);
    stop();
  });
});
