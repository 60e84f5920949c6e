import v8 from "node:v8";

// V8 lets a process's old generation grow to up to four times its live size between full
// collections. Under the free path's load the gateway keeps ~70 MB live and promotes a few MB of
// short-lived request state per second, so its heap swung between ~150 and ~320 MB and its RSS
// between 330 and 470 MB (npm run bench, BENCH_SOAK_S). Growing by a quarter between full
// collections keeps the RSS flat near 330 MB, at the cost of a full (mostly concurrent)
// collection every few seconds under load, which the bench did not see in the CPU per request.
export const HEAP_GROWING_PERCENT = 25;

/** Applied once at a production server's start, before it serves (the flag is read at each full collection). */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
