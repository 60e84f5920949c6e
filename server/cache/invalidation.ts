// Notifications that a merchant's gateway configuration (status, upstream, pricing rules) changed,
// so caches drop the merchant at once: in this process directly, and on every other instance
// through a remote bus (Redis pub/sub, server/cache/redis-invalidation.ts) when one is connected.
// Without a bus, other instances converge through the caches' short TTL.

type Listener = (merchantId: string) => void;

// on globalThis: Next's server bundles and the custom server may each load a copy of this module,
// and a change published through one must reach caches subscribed through the other
const globalForInvalidation = globalThis as typeof globalThis & {
  __x402MerchantListeners?: Set<Listener>;
  __x402RemoteInvalidation?: { publish: (merchantId: string) => void };
};
const listeners = (globalForInvalidation.__x402MerchantListeners ??= new Set<Listener>());

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
  globalForInvalidation.__x402RemoteInvalidation?.publish(merchantId);
}

/** Connects this process to the other instances (undefined disconnects it). */
export function setRemoteInvalidation(remote: { publish: (merchantId: string) => void } | undefined): void {
  globalForInvalidation.__x402RemoteInvalidation = remote;
}

export function hasRemoteInvalidation(): boolean {
  return globalForInvalidation.__x402RemoteInvalidation !== undefined;
}
