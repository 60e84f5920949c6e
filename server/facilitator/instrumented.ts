import type { Log } from "@/server/observability/logger";
import type { Metrics } from "@/server/observability/metrics";

import type { Facilitator, FacilitatorCallContext } from "./types";

// Every verification and settlement, whichever facilitator runs it, is timed into the metrics and
// logged with the gateway request id it serves: the facilitator leg of a request's trace.

export function instrumentFacilitator(
  inner: Facilitator,
  deps: { metrics: Metrics; log: Log },
): Facilitator {
  const facilitator = inner.kind.toLowerCase();
  const done = (
    operation: "verify" | "settle",
    context: FacilitatorCallContext | undefined,
    started: number,
    failureReason: string | null,
    extra: Record<string, unknown>,
  ) => {
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.facilitatorCall({ operation, facilitator, seconds, failureReason });
    deps.log.info(
      {
        requestId: context?.requestId,
        merchantId: context?.merchantId,
        facilitator,
        ms: Math.round(seconds * 1000),
        ok: failureReason === null,
        reason: failureReason ?? undefined,
        ...extra,
      },
      `facilitator ${operation}`,
    );
  };
  return {
    kind: inner.kind,
    supported: () => inner.supported(),
    async verify(payload, requirements, context) {
      const started = performance.now();
      try {
        const result = await inner.verify(payload, requirements, context);
        done(
          "verify",
          context,
          started,
          result.isValid ? null : (result.invalidReason ?? "invalid_payment"),
          {},
        );
        return result;
      } catch (err) {
        done("verify", context, started, "exception", {});
        throw err;
      }
    },
    async settle(payload, requirements, context) {
      const started = performance.now();
      try {
        const result = await inner.settle(payload, requirements, context);
        done(
          "settle",
          context,
          started,
          result.success ? null : (result.errorReason ?? "settlement_failed"),
          { txHash: result.transaction || undefined },
        );
        return result;
      } catch (err) {
        done("settle", context, started, "exception", {});
        throw err;
      }
    },
  };
}
