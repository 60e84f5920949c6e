import { describe, expect, it } from "vitest";

import { createTtlCache } from "./ttl-cache";

describe("createTtlCache", () => {
  it("loads once per key while fresh, including concurrent gets", async () => {
    let loads = 0;
    let t = 0;
    const cache = createTtlCache({
      ttlMs: 100,
      now: () => t,
      load: (k) => Promise.resolve(`${k}:${++loads}`),
    });
    const [a, b] = await Promise.all([cache.get("m"), cache.get("m")]);
    expect([a, b]).toEqual(["m:1", "m:1"]);
    t = 99;
    expect(await cache.get("m")).toBe("m:1");
    t = 100;
    expect(await cache.get("m")).toBe("m:2");
  });

  it("reloads after invalidate, and a load racing an invalidation does not stick", async () => {
    let version = 1;
    let release: (() => void) | undefined;
    const cache = createTtlCache({
      ttlMs: 10_000,
      load: async () => {
        const v = version;
        if (v === 1) await new Promise<void>((r) => (release = r));
        return v;
      },
    });
    const slow = cache.get("m");
    await Promise.resolve();
    version = 2;
    cache.invalidate("m");
    release?.();
    expect(await slow).toBe(1);
    expect(await cache.get("m")).toBe(2);
  });

  it("with refreshAfterMs, answers a steadily read key from memory and reloads it in the background, never past its TTL", async () => {
    let loads = 0;
    let t = 0;
    let release: (() => void) | undefined;
    const cache = createTtlCache({
      ttlMs: 100,
      refreshAfterMs: 50,
      now: () => t,
      load: async (k) => {
        const n = ++loads;
        if (n === 2) await new Promise<void>((r) => (release = r));
        return `${k}:${n}`;
      },
    });
    expect(await cache.get("p")).toBe("p:1");
    t = 49;
    expect(await cache.get("p")).toBe("p:1");
    expect(loads).toBe(1);
    // old enough: answered at once from the entry, one reload started (not one per get)
    t = 50;
    expect(await cache.get("p")).toBe("p:1");
    expect(await cache.get("p")).toBe("p:1");
    expect(loads).toBe(2);
    // the reload is still running when the entry expires: the get waits for it rather than answer stale
    t = 100;
    const waited = cache.get("p");
    release?.();
    expect(await waited).toBe("p:2");
    expect(loads).toBe(2);
  });

  it("does not cache failures", async () => {
    let fail = true;
    const cache = createTtlCache({
      ttlMs: 1000,
      load: () => (fail ? Promise.reject(new Error("db down")) : Promise.resolve("ok")),
    });
    await expect(cache.get("k")).rejects.toThrow("db down");
    fail = false;
    expect(await cache.get("k")).toBe("ok");
  });

  it("keeps at most maxEntries", async () => {
    const cache = createTtlCache({ ttlMs: 1000, maxEntries: 2, load: (k) => Promise.resolve(k) });
    await cache.get("a");
    await cache.get("b");
    await cache.get("c");
    expect(cache.size()).toBe(2);
  });

  it("answers a fresh entry synchronously, and nothing for a missing, stale or invalidated one", async () => {
    let t = 0;
    let loads = 0;
    const cache = createTtlCache({
      ttlMs: 100,
      now: () => t,
      load: (k) => Promise.resolve(`${k}:${++loads}`),
    });
    expect(cache.fresh("m")).toBeUndefined();
    expect(await cache.get("m")).toBe("m:1");
    expect(cache.fresh("m")?.value).toBe("m:1");
    t = 100;
    expect(cache.fresh("m")).toBeUndefined();
    expect(await cache.get("m")).toBe("m:2");
    cache.invalidate("m");
    expect(cache.fresh("m")).toBeUndefined();
    expect(loads).toBe(2);
  });

  it("holds a cached null as a fresh value", async () => {
    const cache = createTtlCache<string | null>({ ttlMs: 1000, load: () => Promise.resolve(null) });
    await cache.get("gone");
    expect(cache.fresh("gone")).toBeDefined();
    expect(cache.fresh("gone")?.value).toBeNull();
  });
});
