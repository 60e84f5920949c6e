"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False in the server's HTML and until React has hydrated, true after. Forms that carry a credential
 * keep their submit disabled until then: a native submission (script blocked or still loading, a
 * quick Enter) would otherwise send the secret to a page that cannot use it.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
