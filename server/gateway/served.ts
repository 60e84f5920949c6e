import type { UsageStatus } from "@/server/db";

import type { GatewayOutcome } from "./outcome";

// Every way the gateway serves a request ends in a Served: the outcome the client gets and what the
// access log says of the call. The row is written once, by handle-request.ts, after the outcome is
// rendered, with the status that was rendered: nothing else writes access rows, so a row cannot
// disagree with the answer.

/** The access-log facts of a call; the request's own facts and the HTTP status are added when it is recorded. */
export type UsageNote = {
  /** CHARGED: already written with its payment, in the ledger's transaction (server/payments/ledger.ts) */
  status: UsageStatus;
  reason?: string | null;
  ruleId?: string | null;
  payer?: string | null;
  paymentId?: string | null;
  entitlementId?: string | null;
  upstreamStatus?: number | null;
  upstreamLatencyMs?: number | null;
};

/** `usage` null: the call leaves no access row (unknown or inactive merchant, the gateway unavailable). */
export type Served = { outcome: GatewayOutcome; usage: UsageNote | null };

export function served(outcome: GatewayOutcome, usage: UsageNote | null = null): Served {
  return { outcome, usage };
}
