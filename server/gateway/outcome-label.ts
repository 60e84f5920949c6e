import type { GatewayOutcomeLabel } from "@/server/observability/metrics";

import type { GatewayOutcome } from "./outcome";
import type { UsageNote } from "./served";

/** What the request path recorded about a served call (its access-log status and reason). */
export type ServedAs = Pick<UsageNote, "status" | "reason">;

/**
 * The metrics labels of a finished gateway request. A proxied answer alone does not say whether
 * the call was free, paid or covered by a pass, so the status the request path recorded decides.
 */
export function gatewayOutcomeLabel(
  outcome: GatewayOutcome,
  served: ServedAs | null | undefined,
): { outcome: GatewayOutcomeLabel; reason: string } {
  switch (outcome.kind) {
    case "rate_limited":
      return { outcome: "rate_limited", reason: "rate_limited" };
    case "payment_required":
      return { outcome: "payment_required", reason: "payment_required" };
    case "payment_rejected":
      return { outcome: "rejected", reason: outcome.reason };
    case "upstream_timeout":
      return { outcome: "upstream_error", reason: "upstream_timeout" };
    case "upstream_unreachable":
      return { outcome: "upstream_error", reason: "upstream_unreachable" };
    case "upstream_invalid_response":
      return { outcome: "upstream_error", reason: "upstream_invalid_response" };
    case "upstream_unmetered":
      return { outcome: "upstream_error", reason: "metering_header_missing" };
    case "upstream_blocked":
      return { outcome: "upstream_error", reason: "upstream_blocked" };
    case "settlement_pending":
      return { outcome: "error", reason: "settlement_pending" };
    case "upstream_failed_after_settlement":
      return { outcome: "upstream_error", reason: "upstream_failed_after_settlement" };
    case "replayed":
      return { outcome: "paid", reason: "idempotent_replay" };
    case "proxied": {
      const status = served?.status;
      switch (status) {
        case "FREE":
          return { outcome: "free", reason: "none" };
        case "CHARGED":
          return { outcome: "paid", reason: "none" };
        case "OWNER":
          return { outcome: "owner", reason: "none" };
        case "ENTITLED":
          return { outcome: "entitled", reason: "none" };
        case "FAILED":
          return { outcome: "upstream_error", reason: served?.reason ?? "upstream_error" };
        case "REJECTED":
        case "UNPAID":
        case undefined:
          return { outcome: "error", reason: "unrecorded" };
        default:
          return status satisfies never;
      }
    }
    case "blocked":
      return { outcome: "rejected", reason: outcome.code };
    case "merchant_not_found":
    case "merchant_inactive":
    case "unauthorized":
    case "invalid_request":
    case "method_not_allowed":
    case "not_priced":
    case "body_too_large":
    case "unavailable":
    case "payment_identifier_conflict":
    case "payment_in_progress":
      return { outcome: "error", reason: outcome.kind };
    default:
      return outcome satisfies never;
  }
}
