import { describe, expect, inject, it } from "vitest";

import { startAnvil } from "@/server/chain/anvil";
import { createTestDatabase } from "@/server/db/testing";
import { parseServerEnv } from "@/server/env";
import { useTestDatabase } from "@/server/testing/int";

import { createLogger } from "./logger";
import { checkReadiness, readinessNetworks, serveReadiness } from "./readiness";

// /api/ready against real parts: a database that is closed and an anvil that is stopped are each
// named as the failing part, within the bounded time.

const database = useTestDatabase();

function networkFor(chainId: number, rpcUrl: string) {
  const env = parseServerEnv({
    NODE_ENV: "test",
    LOCAL_CHAIN_ID: String(chainId),
    LOCAL_CHAIN_RPC_URL: rpcUrl,
    LOCAL_TOKEN_ADDRESS: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  });
  return readinessNetworks(env);
}

describe("readiness", () => {
  it("is ready when the database and the configured chain answer", async () => {
    const chain = inject("chain");
    const networks = networkFor(chain.chainId, chain.rpcUrl);
    expect(networks.map((n) => n.id)).toEqual([`eip155:${chain.chainId}`]);
    const readiness = await checkReadiness({ db: database.db, networks });
    expect(readiness).toMatchObject({ ok: true, failing: [] });
    expect(readiness.checks.map((c) => c.name)).toEqual([
      "database",
      `chain:eip155:${chain.chainId}`,
    ]);
  });

  it("names the chain RPC when its node is stopped", async () => {
    const anvil = await startAnvil({ chainId: 31999 });
    const networks = networkFor(31999, anvil.rpcUrl);
    expect((await checkReadiness({ db: database.db, networks })).ok).toBe(true);
    await anvil.stop();
    const started = performance.now();
    const readiness = await checkReadiness({ db: database.db, networks }, { timeoutMs: 1_000 });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(readiness.ok).toBe(false);
    expect(readiness.failing).toEqual(["chain:eip155:31999"]);
    expect(readiness.checks.find((c) => c.name === "chain:eip155:31999")?.error).toBeTruthy();
  });

  it("names the database when it is stopped", async () => {
    const stopped = await createTestDatabase(inject("dbTemplate"));
    await stopped.close();
    const chain = inject("chain");
    const readiness = await checkReadiness(
      { db: stopped.db, networks: networkFor(chain.chainId, chain.rpcUrl) },
      { timeoutMs: 1_000 },
    );
    expect(readiness.ok).toBe(false);
    expect(readiness.failing).toEqual(["database"]);
  });

  it("names Redis when it is configured and does not answer", async () => {
    const readiness = await checkReadiness(
      { db: database.db, networks: [], redisUrl: "redis://127.0.0.1:1" },
      { timeoutMs: 1_000 },
    );
    expect(readiness.failing).toEqual(["redis"]);
    const live = await checkReadiness(
      { db: database.db, networks: [], redisUrl: inject("redisUrl") },
      { timeoutMs: 1_000 },
    );
    expect(live).toMatchObject({ ok: true, failing: [] });
  });
});

describe("GET /api/ready", () => {
  const env = (token?: string) =>
    parseServerEnv({ NODE_ENV: "test", ...(token ? { METRICS_TOKEN: token } : {}) });

  it("names the failing parts to anyone, and their error text only to the holder of METRICS_TOKEN", async () => {
    const anvil = await startAnvil({ chainId: 31998 });
    const networks = networkFor(31998, anvil.rpcUrl);
    await anvil.stop();
    const deps = {
      db: database.db,
      networks,
      env: env("ready-secret-0123456789"),
      log: createLogger({ level: "silent" }),
    };

    const anonymous = await serveReadiness(deps, new Request("http://app.test/api/ready"), {
      timeoutMs: 1_000,
    });
    expect(anonymous.status).toBe(503);
    const text = await anonymous.text();
    expect(JSON.parse(text)).toEqual({
      status: "unavailable",
      failing: ["chain:eip155:31998"],
      checks: [
        { name: "database", ok: true },
        { name: "chain:eip155:31998", ok: false },
      ],
    });
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toMatch(/fetch failed|ECONNREFUSED|error/i);

    const wrongToken = await serveReadiness(
      deps,
      new Request("http://app.test/api/ready", { headers: { authorization: "Bearer nope" } }),
      { timeoutMs: 1_000 },
    );
    expect(await wrongToken.text()).not.toContain("error");

    const operator = await serveReadiness(
      deps,
      new Request("http://app.test/api/ready", {
        headers: { authorization: "Bearer ready-secret-0123456789" },
      }),
      { timeoutMs: 1_000 },
    );
    const detailed = (await operator.json()) as { checks: { name: string; error?: string }[] };
    expect(detailed.checks.find((c) => c.name === "chain:eip155:31998")?.error).toBeTruthy();
  });
});
