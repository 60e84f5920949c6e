// In-process notifications that a merchant's gateway configuration (status, upstream, pricing
// rules) changed, so caches drop the merchant at once. Other instances converge through the
// caches' short TTL.

type Listener = (merchantId: string) => void;

// on globalThis: Next's server bundles and the custom server may each load a copy of this module,
// and a change published through one must reach caches subscribed through the other
const globalForInvalidation = globalThis as typeof globalThis & { __x402MerchantListeners?: Set<Listener> };
const listeners = (globalForInvalidation.__x402MerchantListeners ??= new Set<Listener>());

export function onMerchantConfigChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function publishMerchantConfigChanged(merchantId: string): void {
  for (const listener of listeners) listener(merchantId);
}
