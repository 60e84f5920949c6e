import { Redis } from "ioredis";

import { checkDatabaseConnection, type PrismaClient } from "@/server/db";
import type { ServerEnv } from "@/server/env";
import { presentsBearerToken } from "@/server/http/bearer";
import { json } from "@/server/http/respond";
import { getNetworkRegistry, type NetworkConfig } from "@/server/networks/config";
import type { Log } from "@/server/observability/logger";

// GET /api/ready: can this instance serve? Every dependency is checked at once, each within a
// bounded time, and a failing one is named ("database", "chain:eip155:8453", "redis") so the
// operator knows what to look at. /api/health only says the process answers.

export const READINESS_TIMEOUT_MS = 2_000;

export type ReadinessCheck = { name: string; ok: boolean; ms: number; error?: string };
export type Readiness = { ok: boolean; failing: string[]; checks: ReadinessCheck[] };

async function timed(
  name: string,
  timeoutMs: number,
  check: (signal: AbortSignal) => Promise<void>,
): Promise<ReadinessCheck> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
    return { name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      name,
      ok: false,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the RPC for its chain id (one plain request, no retries) and checks it is the configured one. */
async function checkChain(network: NetworkConfig, signal: AbortSignal): Promise<void> {
  if (!network.rpcUrl) throw new Error("no RPC URL configured");
  const res = await fetch(network.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal,
  });
  if (!res.ok) throw new Error(`RPC answered HTTP ${res.status}`);
  const body = (await res.json()) as { result?: string; error?: { message?: string } };
  if (!body.result) throw new Error(`RPC error: ${body.error?.message ?? "no result"}`);
  if (Number(body.result) !== network.chainId)
    throw new Error(`RPC serves chain ${Number(body.result)}, expected ${network.chainId}`);
}

async function checkRedis(url: string, timeoutMs: number): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined); // reported through the failed ping
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

/**
 * The networks a deployment relies on: the local chain and NETWORKS_JSON entries when any is
 * configured, otherwise the built-in Base networks (what rules can then be priced in).
 */
export function readinessNetworks(
  env: Pick<
    ServerEnv,
    "NETWORKS_JSON" | "LOCAL_CHAIN_ID" | "LOCAL_CHAIN_RPC_URL" | "LOCAL_TOKEN_ADDRESS"
  >,
): NetworkConfig[] {
  const all = getNetworkRegistry(env).list();
  const named = new Set<string>();
  if (env.LOCAL_TOKEN_ADDRESS) named.add(`eip155:${env.LOCAL_CHAIN_ID}`);
  if (env.NETWORKS_JSON)
    for (const n of JSON.parse(env.NETWORKS_JSON) as { id: string }[]) named.add(n.id);
  return named.size === 0 ? all : all.filter((n) => named.has(n.id));
}

export async function checkReadiness(
  deps: { db: PrismaClient; networks: NetworkConfig[]; redisUrl?: string },
  opts: { timeoutMs?: number } = {},
): Promise<Readiness> {
  const timeoutMs = opts.timeoutMs ?? READINESS_TIMEOUT_MS;
  const checks = await Promise.all([
    timed("database", timeoutMs, () => checkDatabaseConnection(deps.db, { timeoutMs })),
    ...deps.networks.map((n) =>
      timed(`chain:${n.id}`, timeoutMs, (signal) => checkChain(n, signal)),
    ),
    ...(deps.redisUrl
      ? [timed("redis", timeoutMs, () => checkRedis(deps.redisUrl as string, timeoutMs))]
      : []),
  ]);
  const failing = checks.filter((c) => !c.ok).map((c) => c.name);
  return { ok: failing.length === 0, failing, checks };
}

/**
 * GET /api/ready. Anyone (a load balancer) learns whether the instance is ready and which parts
 * fail; the failures' text (RPC URLs, hosts, driver messages) only reaches the operator who
 * presents METRICS_TOKEN, and the log.
 */
export async function serveReadiness(
  deps: {
    db: PrismaClient;
    networks: NetworkConfig[];
    env: Pick<ServerEnv, "REDIS_URL" | "METRICS_TOKEN">;
    log: Log;
  },
  req: Request,
  opts: { timeoutMs?: number } = {},
): Promise<Response> {
  const readiness = await checkReadiness(
    { db: deps.db, networks: deps.networks, redisUrl: deps.env.REDIS_URL },
    opts,
  );
  const failed = readiness.checks.filter((c) => !c.ok);
  if (failed.length > 0) deps.log.warn({ checks: failed }, "not ready");
  const status = readiness.ok ? 200 : 503;
  const word = readiness.ok ? "ready" : "unavailable";
  if (presentsBearerToken(req, deps.env.METRICS_TOKEN))
    return json({ status: word, ...readiness }, { status });
  return json(
    {
      status: word,
      failing: readiness.failing,
      checks: readiness.checks.map((c) => ({ name: c.name, ok: c.ok })),
    },
    { status },
  );
}
