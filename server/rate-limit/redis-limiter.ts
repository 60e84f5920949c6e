import { Redis } from "ioredis";

import type { Log } from "@/server/observability/logger";

import type { RateLimiter } from "./limiter";

// The same token bucket as token-bucket.ts, run atomically inside Redis so every gateway instance
// draws from one bucket per merchant. Redis's own clock is the time source: instances' clocks may
// disagree, Redis's is one.
const TAKE_TOKEN_LUA = `
local capacity = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = capacity / window_ms
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
local elapsed = math.max(0, now - ts)
tokens = math.min(capacity, tokens + elapsed * rate)
local allowed = 0
local retry_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_ms = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], window_ms * 2)
return { allowed, retry_ms, math.floor(tokens), math.ceil((capacity - tokens) / rate) }
`;

// All-or-nothing over several buckets (KEYS, with their capacities in ARGV after the window): every
// bucket is refilled and checked first, and tokens are taken only when all of them have one.
const TAKE_ALL_LUA = `
local window_ms = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tokens = {}
local retry_ms = 0
local refusing = 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i + 1])
  local rate = capacity / window_ms
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local current = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  current = math.min(capacity, current + math.max(0, now - ts) * rate)
  if current < 1 then
    local wait = math.ceil((1 - current) / rate)
    if wait > retry_ms then retry_ms = wait; refusing = i end
  end
  tokens[i] = current
end
local allowed = retry_ms == 0
for i, key in ipairs(KEYS) do
  local left = tokens[i]
  if allowed then left = left - 1 end
  redis.call('HSET', key, 'tokens', tostring(left), 'ts', tostring(now))
  redis.call('PEXPIRE', key, window_ms * 2)
end
return { allowed and 1 or 0, retry_ms, refusing }
`;

export function createRedisRateLimiter(
  url: string,
  deps: { log: Log; keyPrefix?: string },
): RateLimiter & { close(): Promise<void> } {
  // commands queue while connecting; a dead Redis costs a request at most commandTimeout before failing open
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 500,
  });
  redis.on("error", (err) => deps.log.warn({ err }, "redis rate limiter connection error"));
  redis.defineCommand("x4gTakeToken", { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
  // no numberOfKeys: each call passes its key count first (ioredis then runs it by EVALSHA)
  redis.defineCommand("x4gTakeAll", { lua: TAKE_ALL_LUA });
  const prefix = deps.keyPrefix ?? "x4g:rl:";
  return {
    async take(key, limit, opts) {
      try {
        const [allowed, retryMs, remaining, resetMs] = (await (
          redis as unknown as {
            x4gTakeToken: (
              k: string,
              c: number,
              w: number,
            ) => Promise<[number, number, number, number]>;
          }
        ).x4gTakeToken(prefix + key, limit, opts?.windowMs ?? 60_000)) as [
          number,
          number,
          number,
          number,
        ];
        return allowed === 1
          ? { allowed: true, remaining, resetSeconds: Math.ceil(resetMs / 1000) }
          : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
      } catch (err) {
        // a rate limiter outage must not take paid traffic down: fail open, loudly
        deps.log.error({ err }, "redis rate limiter unavailable; allowing the request");
        return { allowed: true };
      }
    },
    async takeAll(entries, opts) {
      try {
        const keys = entries.map((e) => prefix + e.key);
        const args = [opts?.windowMs ?? 60_000, ...entries.map((e) => e.limit)];
        const command = (
          redis as unknown as {
            x4gTakeAll: (
              n: number,
              ...rest: (string | number)[]
            ) => Promise<[number, number, number]>;
          }
        ).x4gTakeAll;
        const [allowed, retryMs, refusing] = await command.call(
          redis,
          keys.length,
          ...keys,
          ...args,
        );
        return allowed === 1
          ? { allowed: true }
          : {
              allowed: false,
              retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)),
              key: entries[refusing - 1]?.key ?? "",
            };
      } catch (err) {
        deps.log.error({ err }, "redis rate limiter unavailable; allowing the request");
        return { allowed: true };
      }
    },
    async reset(key) {
      try {
        await redis.del(prefix + key);
      } catch (err) {
        deps.log.error({ err }, "redis rate limiter unavailable; bucket not reset");
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
