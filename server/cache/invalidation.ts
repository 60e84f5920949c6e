import { processSingleton, processSlot } from "@/server/process-global";

// Notifications that a merchant's gateway configuration (status, upstream, pricing rules) changed,
// so caches drop the merchant at once: in this process directly, and on every other instance
// through a remote bus (Redis pub/sub, server/cache/redis-invalidation.ts) when one is connected.
// Without a bus, other instances converge through the caches' short TTL.

type Listener = (merchantId: string) => void;

// once per process (server/process-global.ts): Next's server bundles and the custom server may each
// load a copy of this module, and a change published through one must reach caches subscribed
// through the other
const listeners = processSingleton("merchant-config-listeners", () => new Set<Listener>());
const remote = processSlot<{ publish: (merchantId: string) => void }>("merchant-config-remote");

export function onMerchantConfigChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells this process's caches only (what a message from another instance does). */
export function deliverMerchantConfigChanged(merchantId: string): void {
  for (const listener of listeners) listener(merchantId);
}

export function publishMerchantConfigChanged(merchantId: string): void {
  deliverMerchantConfigChanged(merchantId);
  remote.get()?.publish(merchantId);
}

/** Connects this process to the other instances (undefined disconnects it). */
export function setRemoteInvalidation(
  bus: { publish: (merchantId: string) => void } | undefined,
): void {
  remote.set(bus);
}

export function hasRemoteInvalidation(): boolean {
  return remote.get() !== undefined;
}
