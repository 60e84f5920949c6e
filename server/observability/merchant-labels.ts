// Per-merchant metric labels with a bounded label count. Every distinct label value is a series
// Prometheus keeps forever, so a platform with 10 000 merchants cannot give each its own: the
// allow-list and the busiest merchants (top-N) get their id, every other merchant is "other".
//
// "Busiest" is counted with the Space-Saving sketch (Metwally et al., 2005): `capacity` counters
// find every merchant above 1/capacity of the traffic, in fixed memory whatever the number of
// merchants. Admission is sticky: a merchant that got its own label keeps it for the life of the
// process (a counter that disappeared and came back would read as a reset to `rate()`), so at most
// `topN` merchants are ever admitted and the label count is bounded by allowList + topN + 1.

export const OTHER_MERCHANT = "other";

export type MerchantLabeler = {
  /** The label value for this merchant's next observation (counts the observation). */
  labelFor(merchantId: string): string;
  /** Label values handed out so far ("other" included once used). */
  labels(): ReadonlySet<string>;
};

export function createMerchantLabeler(opts: {
  topN: number;
  allowList?: readonly string[];
  capacity?: number;
  minCalls?: number;
}): MerchantLabeler {
  const allow = new Set(opts.allowList ?? []);
  const capacity = Math.max(opts.capacity ?? opts.topN * 4, opts.topN);
  // a merchant needs this many (estimated) calls before it can take one of the top-N places, so the
  // first merchants of a fresh process do not take the places by arriving first
  const minCalls = opts.minCalls ?? 100;
  const counts = new Map<string, number>();
  const admitted = new Set<string>();
  const handedOut = new Set<string>();

  const observe = (merchantId: string): number => {
    const known = counts.get(merchantId);
    if (known !== undefined) {
      counts.set(merchantId, known + 1);
      return known + 1;
    }
    if (counts.size < capacity) {
      counts.set(merchantId, 1);
      return 1;
    }
    // Space-Saving: the newcomer replaces the smallest counter and inherits its count (an
    // overestimate by at most that count, which is what bounds the sketch's error)
    let minKey = "";
    let min = Infinity;
    for (const [key, value] of counts) {
      if (value < min) {
        min = value;
        minKey = key;
      }
    }
    counts.delete(minKey);
    counts.set(merchantId, min + 1);
    return min + 1;
  };

  const isInTopN = (merchantId: string, count: number): boolean => {
    let above = 0;
    for (const value of counts.values()) {
      if (value > count && ++above >= opts.topN) return false;
    }
    return counts.has(merchantId);
  };

  return {
    labelFor(merchantId) {
      if (allow.has(merchantId) || admitted.has(merchantId)) {
        if (admitted.has(merchantId)) observe(merchantId);
        handedOut.add(merchantId);
        return merchantId;
      }
      const count = observe(merchantId);
      if (admitted.size < opts.topN && count >= minCalls && isInTopN(merchantId, count)) {
        admitted.add(merchantId);
        handedOut.add(merchantId);
        return merchantId;
      }
      handedOut.add(OTHER_MERCHANT);
      return OTHER_MERCHANT;
    },
    labels: () => handedOut,
  };
}
