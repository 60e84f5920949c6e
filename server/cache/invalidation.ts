// In-process notifications that a merchant's gateway configuration (status, upstream, pricing
// rules) changed, so caches drop the merchant at once. Other instances converge through the
// caches' short TTL.

type Listener = (merchantId: string) => void;

const listeners = new Set<Listener>();

export function onMerchantConfigChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function publishMerchantConfigChanged(merchantId: string): void {
  for (const listener of listeners) listener(merchantId);
}
