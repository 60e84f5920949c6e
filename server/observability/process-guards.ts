import type { Log } from "./logger";

// The last line of defence for errors no request handler caught: a throw in a timer or socket
// callback, a promise nobody awaited. Policy: log it and keep serving. The gateway keeps no state
// in memory that such a throw could leave half-written: a payment's progress lives in its database
// row (the reconciler finishes whatever a failed request left), and the rest are caches that
// expire. Exiting instead would let one merchant's bad configuration (or any request that reaches
// such a bug) take every merchant's traffic down, and turn each payment in flight into reconciler
// work; under a supervisor it would restart, but `next start` and the standalone server often run
// without one. The error is logged at fatal level with its stack so it is fixed at the source.

type ProcessLike = {
  on(
    event: "uncaughtException" | "unhandledRejection",
    listener: (error: unknown) => void,
  ): unknown;
};

// a registry symbol, not module state: `npm start` and Next's instrumentation bundle each load this module
const INSTALLED = Symbol.for("x402.processGuards");

/** Logs uncaught exceptions and unhandled rejections instead of letting them end the process. Idempotent per process. */
export function installProcessGuards(target: ProcessLike, log: Pick<Log, "fatal" | "error">): void {
  const marked = target as ProcessLike & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  target.on("uncaughtException", (err) =>
    log.fatal({ err }, "uncaught exception: the process keeps serving"),
  );
  target.on("unhandledRejection", (err) => log.error({ err }, "unhandled promise rejection"));
}
