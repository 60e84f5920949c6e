// The one use of globalThis in the server (ARCHITECTURE.md "One runtime"). Next loads a server
// module once per bundle that imports it (route handlers, the instrumentation hook, the custom
// server's own import) and its dev server re-imports modules on hot reload, so a module-level
// variable can exist several times in one process. What must exist once per process — the runtime,
// the database handle, PGlite's open instances and directory locks, the cache-invalidation bus, the
// boot check — is kept here by name, where every copy of a module finds the same one.

type Store = Map<string, unknown>;

const processGlobal = globalThis as typeof globalThis & { __x402Process?: Store };
const store: Store = (processGlobal.__x402Process ??= new Map());

/** A value of this process under `name`, made by `create` on first use. */
export function processSingleton<T>(name: string, create: () => T): T {
  if (!store.has(name)) store.set(name, create());
  return store.get(name) as T;
}

/** A settable per-process slot (a singleton that can be replaced or cleared, e.g. on close). */
export function processSlot<T>(name: string): {
  get(): T | undefined;
  set(value: T | undefined): void;
} {
  return {
    get: () => store.get(name) as T | undefined,
    set: (value) => {
      if (value === undefined) store.delete(name);
      else store.set(name, value);
    },
  };
}
