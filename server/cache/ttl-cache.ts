// A small read-through cache with a TTL, single-flight loading and explicit invalidation. The
// gateway keeps each merchant's compiled rules here; invalidation is called on every change (and
// broadcast to other instances), the TTL is the fallback that makes instances converge anyway.

export type TtlCache<V> = {
  get(key: string): Promise<V>;
  /**
   * The entry when it is cached and fresh, without a load and without a promise (the gateway's hot
   * path reads the merchant this way and awaits `get` only on a miss); undefined otherwise.
   */
  fresh(key: string): { value: V } | undefined;
  invalidate(key: string): void;
  clear(): void;
  size(): number;
};

export function createTtlCache<V>(opts: {
  ttlMs: number;
  load: (key: string) => Promise<V>;
  now?: () => number;
  maxEntries?: number;
  /**
   * A get on an entry at least this old (and still fresh) answers from it and reloads it in the
   * background, so a key read steadily never waits for its load; nothing older than ttlMs is
   * ever answered.
   */
  refreshAfterMs?: number;
}): TtlCache<V> {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const entries = new Map<string, { value: V; expiresAt: number; generation: number }>();
  const loading = new Map<string, { promise: Promise<V>; generation: number }>();
  const generations = new Map<string, number>();
  const generationOf = (key: string) => generations.get(key) ?? 0;

  const freshEntry = (key: string) => {
    const hit = entries.get(key);
    return hit && hit.expiresAt > now() && hit.generation === generationOf(key) ? hit : undefined;
  };

  const load = (key: string): Promise<V> => {
    const generation = generationOf(key);
    const promise = opts.load(key).then(
      (value) => {
        loading.delete(key);
        // a load that raced an invalidation must not repopulate the cache with stale data
        if (generation === generationOf(key)) {
          if (entries.size >= maxEntries && !entries.has(key)) {
            const oldest = entries.keys().next().value;
            if (oldest !== undefined) entries.delete(oldest);
          }
          entries.set(key, { value, expiresAt: now() + opts.ttlMs, generation });
        }
        return value;
      },
      (err: unknown) => {
        loading.delete(key);
        throw err;
      },
    );
    loading.set(key, { promise, generation });
    return promise;
  };

  const cache: TtlCache<V> = {
    fresh: freshEntry,
    async get(key) {
      const hit = freshEntry(key);
      if (hit) {
        const refreshAfter = opts.refreshAfterMs;
        if (
          refreshAfter !== undefined &&
          hit.expiresAt - opts.ttlMs + refreshAfter <= now() &&
          !loading.has(key)
        )
          load(key).catch(() => undefined); // a failed refresh leaves the entry to expire
        return hit.value;
      }
      const inFlight = loading.get(key);
      if (inFlight && inFlight.generation === generationOf(key)) return inFlight.promise;
      return load(key);
    },
    invalidate(key) {
      generations.set(key, generationOf(key) + 1);
      entries.delete(key);
      loading.delete(key);
    },
    clear() {
      for (const key of entries.keys()) generations.set(key, generationOf(key) + 1);
      entries.clear();
      loading.clear();
    },
    size: () => entries.size,
  };
  return cache;
}
