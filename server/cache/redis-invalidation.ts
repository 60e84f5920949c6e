import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";
import { z } from "zod";

import type { Log } from "@/server/observability/logger";

import { deliverMerchantConfigChanged, setRemoteInvalidation } from "./invalidation";

// The cross-instance half of cache invalidation: a change published here goes out on one Redis
// channel and every other instance drops the merchant from its caches when the message arrives
// (milliseconds). Pub/sub is fire-and-forget: a message lost while an instance is disconnected is
// covered by the caches' TTL (server/gateway/merchant-snapshot.ts), so correctness never depends on it.

const messageSchema = z.object({ origin: z.string(), merchantId: z.string().min(1).max(64) });

export type RedisInvalidation = { channel: string; close(): Promise<void> };

export function invalidationChannel(keyPrefix: string): string {
  return `${keyPrefix}merchant-config`;
}

export function startRedisInvalidation(
  url: string,
  deps: { log: Log; keyPrefix: string },
): RedisInvalidation {
  const origin = randomBytes(8).toString("hex");
  const channel = invalidationChannel(deps.keyPrefix);
  const publisher = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 500,
  });
  // a subscribed connection can't run other commands, hence two; ioredis resubscribes on reconnect
  const subscriber = new Redis(url, { connectTimeout: 1000 });
  publisher.on("error", (err) => deps.log.warn({ err }, "redis invalidation publisher error"));
  subscriber.on("error", (err) => deps.log.warn({ err }, "redis invalidation subscriber error"));
  subscriber
    .subscribe(channel)
    .catch((err: unknown) =>
      deps.log.warn({ err }, "redis invalidation subscribe failed; caches fall back to their TTL"),
    );
  subscriber.on("message", (_channel: string, raw: string) => {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(raw));
    } catch {
      deps.log.warn({ channel }, "ignored a malformed cache invalidation message");
      return;
    }
    if (parsed.origin !== origin) deliverMerchantConfigChanged(parsed.merchantId);
  });
  setRemoteInvalidation({
    publish(merchantId) {
      publisher
        .publish(channel, JSON.stringify({ origin, merchantId }))
        .catch((err: unknown) =>
          deps.log.warn(
            { err, merchantId },
            "could not publish a cache invalidation; other instances wait for the TTL",
          ),
        );
    },
  });
  return {
    channel,
    async close() {
      setRemoteInvalidation(undefined);
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
