import type { SettleResponse } from "@x402/core/types";

import { setMeteredAmount } from "@/server/payments/ledger";
import { meteredCharge } from "@/server/x402/upto";

import { paidUsage, releasePaidCall, type PaidCall } from "./paid-call";
import type { ProxyOutcome } from "./proxy";
import { served, type Served } from "./served";

// Metered calls (the `upto` scheme): the payment was verified for the rule's ceiling; once the
// upstream answered, its metering header says what the call cost. The payment row takes that amount
// before anything settles, so the settlement, the reconciler, the ledger, usage records, statements
// and webhooks all see the metered charge.

type UpstreamAnswer = Extract<ProxyOutcome, { kind: "response" }>;

function headerOf(headers: UpstreamAnswer["headers"], name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? (value[0] ?? null) : value;
  return null;
}

/**
 * The call at its metered charge (the requirements it settles against carry that amount), or the
 * answer when the upstream reported no usage and the rule refuses that: released, nothing charged.
 * A call that is not metered is returned as it is.
 */
export async function meterPaidCall(
  call: PaidCall,
  result: UpstreamAnswer,
): Promise<{ ok: true; call: PaidCall } | { ok: false; served: Served }> {
  const header = call.priced.route.rule.meteringHeader;
  if (!call.payment.upto || !header) return { ok: true, call };
  const charge = meteredCharge(headerOf(result.headers, header), call.amount, {
    header,
    fallback: call.priced.route.rule.meteringFallback,
  });
  await call.verifiedWrite;
  if (!charge.ok) {
    result.body?.resume();
    await releasePaidCall(call, charge.reason, charge.message);
    return {
      ok: false,
      served: served(
        { kind: "upstream_unmetered", header },
        {
          ...paidUsage(call),
          status: "FAILED",
          reason: charge.reason,
          upstreamStatus: result.status,
          upstreamLatencyMs: result.upstreamLatencyMs,
        },
      ),
    };
  }
  if (charge.basis !== "metered")
    call.log.info(
      { basis: charge.basis, amountAtomic: charge.amount.toString() },
      charge.basis === "capped"
        ? "the upstream reported more than the ceiling: charged the ceiling"
        : "the upstream reported no valid usage: charged the ceiling",
    );
  await setMeteredAmount(call.deps.db, {
    merchantId: call.merchant.id,
    paymentId: call.paymentId,
    amountAtomic: charge.amount,
  });
  const requirements = { ...call.requirements, amount: charge.amount.toString() };
  return { ok: true, call: { ...call, amount: charge.amount, requirements } };
}

/** A metered call that used nothing: nothing to settle, recorded at zero. */
export function zeroSettlement(call: PaidCall): SettleResponse {
  return {
    success: true,
    transaction: "",
    network: call.priced.route.network.id as SettleResponse["network"],
    payer: call.payer,
    amount: "0",
  };
}
