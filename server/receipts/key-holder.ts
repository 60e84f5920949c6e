import { onMerchantConfigChanged } from "@/server/cache/invalidation";
import type { Log } from "@/server/observability/logger";

import type { ReceiptSigner } from "./jws";
import { loadReceiptSigner, RECEIPT_KEYS_CHANGED } from "./keys";
import type { OfferCache } from "./offer-receipt";

// The gateway's copy of the signing key: decrypted once and held in memory, so signing an offer or
// a receipt costs one ECDSA signature and no I/O. `current()` is synchronous (the 402 is built
// synchronously); it returns the key held while a reload runs in the background, and null only
// before the first load has finished (that 402 goes out without offers). A rotation is heard on the
// invalidation bus; without a bus, instances pick it up within the TTL.

export const RECEIPT_KEY_TTL_MS = 60_000;

export type ReceiptKeyHolder = {
  current(): ReceiptSigner | null;
  /** the key, waiting for the load in progress (the settle path awaits it: a receipt is never skipped for a cold cache) */
  ready(): Promise<ReceiptSigner | null>;
  /** signed offers reused across 402s (server/receipts/offer-receipt.ts) */
  offers: OfferCache;
  dispose(): void;
};

export function createReceiptKeyHolder(
  deps: Parameters<typeof loadReceiptSigner>[0] & { log: Log },
  ttlMs = RECEIPT_KEY_TTL_MS,
): ReceiptKeyHolder {
  let held: { signer: ReceiptSigner; loadedAt: number } | null = null;
  let loading: Promise<ReceiptSigner | null> | null = null;
  const offers: OfferCache = new Map();
  const load = () => {
    loading ??= loadReceiptSigner(deps)
      .then((signer) => {
        if (held?.signer.kid !== signer.kid) offers.clear();
        held = { signer, loadedAt: Date.now() };
        return signer;
      })
      .catch((err: unknown) => {
        deps.log.error({ err }, "could not load the receipt signing key");
        return held?.signer ?? null;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  const dispose = onMerchantConfigChanged((key) => {
    // the held key is retired but still published: it may sign until the reload lands
    if (key === RECEIPT_KEYS_CHANGED && held) held = { ...held, loadedAt: -Infinity };
    if (key === RECEIPT_KEYS_CHANGED) void load();
  });
  void load();
  return {
    current() {
      if (!held || Date.now() - held.loadedAt > ttlMs) void load();
      return held?.signer ?? null;
    },
    async ready() {
      return held && Date.now() - held.loadedAt <= ttlMs ? held.signer : load();
    },
    offers,
    dispose,
  };
}
