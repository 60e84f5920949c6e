import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  callerFor,
  merchantOwner,
  testDeps,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// API keys: shown once, stored hashed, revocable; at the gateway the merchant's own key with scope
// gateway:owner is served without payment and logged as OWNER; a revoked or unknown key is a 401; a
// foreign key, or one without the scope, changes nothing (the normal 402).

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;
let outsider: SessionUser;

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  outsider = await signUpWithPassword(testDeps(database.db), {
    name: "Out",
    email: uniqueEmail("out"),
    password: "correct horse battery",
  });
});
afterAll(async () => {
  await h?.close();
});

describe("API keys", () => {
  it("are shown once and stored as prefix + hash only", async () => {
    const api = callerFor(testDeps(database.db), owner).apiKeys;
    const { key, apiKey } = await api.create({ merchantId: h.merchant.id, name: "CI" });
    expect(key).toMatch(/^x4g_live_[0-9a-z]{8}_[0-9a-z]{32}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const row = await database.db.apiKey.findUniqueOrThrow({
      where: { id: apiKey.id },
      select: { keyHash: true, prefix: true, partialKey: true },
    });
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key);
    const listed = await api.list({ merchantId: h.merchant.id });
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed[0]).not.toHaveProperty("keyHash");
  });

  it("serve the merchant's own calls at the gateway without payment, until revoked", async () => {
    const api = callerFor(testDeps(database.db), owner).apiKeys;
    const { key, apiKey } = await api.create({ merchantId: h.merchant.id, name: "monitor" });
    const served = await h.call("/api/signal/btc", { headers: { "x-api-key": key } });
    expect(served.status).toBe(200);
    expect(served.headers.get("payment-response")).toBeNull();
    await served.text();
    const seen = h.upstream.seen.at(-1);
    expect(seen?.headers["x-api-key"]).toBeUndefined();
    await h.runtime.usage.flush();
    expect(
      await database.db.usageRecord.count({
        where: { merchantId: h.merchant.id, status: "OWNER" },
      }),
    ).toBeGreaterThanOrEqual(1);
    // last-used is written off the request's path
    await expect
      .poll(
        async () =>
          (await api.list({ merchantId: h.merchant.id })).find((k) => k.id === apiKey.id)
            ?.lastUsedAt ?? null,
      )
      .not.toBeNull();

    await api.revoke({ merchantId: h.merchant.id, id: apiKey.id });
    const refused = await h.call("/api/signal/btc", { headers: { "x-api-key": key } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error: { code: "unauthorized", message: "The API key was revoked" },
    });
  });

  it("refuse an unknown key; a key of another merchant, or without gateway:owner, gets the normal 402", async () => {
    const unknown = await h.call("/api/signal/btc", {
      headers: { authorization: `Bearer x4g_live_abcdefgh_${"a".repeat(32)}` },
    });
    expect(unknown.status).toBe(401);
    const otherMerchant = await callerFor(testDeps(database.db), outsider).merchants.create({
      name: "Other",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    });
    const { key } = await callerFor(testDeps(database.db), outsider).apiKeys.create({
      merchantId: otherMerchant.id,
      name: "theirs",
      scopes: ["gateway:owner"],
    });
    const foreign = await h.call("/api/signal/btc", { headers: { "x-api-key": key } });
    expect(foreign.status).toBe(402);
    expect(foreign.headers.get("payment-required")).not.toBeNull();
    const readOnly = await callerFor(testDeps(database.db), owner).apiKeys.create({
      merchantId: h.merchant.id,
      name: "reader",
      scopes: ["read", "write"],
    });
    const unscoped = await h.call("/api/signal/btc", {
      headers: { authorization: `Bearer ${readOnly.key}` },
    });
    expect(unscoped.status).toBe(402);
  });

  it("cannot be listed, created or revoked across tenants", async () => {
    const deps = testDeps(database.db);
    const mine = await callerFor(deps, owner).apiKeys.create({
      merchantId: h.merchant.id,
      name: "mine",
    });
    for (const call of [
      () => callerFor(deps, outsider).apiKeys.list({ merchantId: h.merchant.id }),
      () => callerFor(deps, outsider).apiKeys.create({ merchantId: h.merchant.id, name: "x" }),
      () =>
        callerFor(deps, outsider).apiKeys.revoke({ merchantId: h.merchant.id, id: mine.apiKey.id }),
    ]) {
      const err = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("NOT_FOUND");
    }
    expect(
      (await callerFor(deps, owner).apiKeys.list({ merchantId: h.merchant.id })).find(
        (k) => k.id === mine.apiKey.id,
      )?.revokedAt,
    ).toBeNull();
  });
});
