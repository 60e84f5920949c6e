import type { SettleResponse } from "@x402/core/types";

import { entitlementHeader } from "@/server/entitlements/entitlements";
import { queueDeferredSettlement } from "@/server/payments/deferred";
import type { RecordedOutcome } from "@/server/payments/ledger";
import { encodePaymentResponse, type DecodedPayment } from "@/server/x402/payment-header";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import { keepBody, KEPT_BODY_MAX_BYTES } from "./keep-body";
import type { MerchantSnapshot } from "./merchant-snapshot";
import { outcomeStatus, type GatewayOutcome } from "./outcome";
import {
  callPaidUpstream,
  paidUsage,
  paymentResponseOf,
  refusePaidCall,
  releasePaidCall,
  reservePaidCall,
  usageOf,
  verifyPaidCall,
  type PaidCall,
} from "./paid-call";
import type { PricedCall } from "./price-route";
import type { ProxyOutcome } from "./proxy";
import type { RequestContext } from "./request-context";
import { meterPaidCall, zeroSettlement } from "./metered-call";
import { served, type Served } from "./served";
import {
  recordOrLeaveUnclear,
  settlementPending,
  settlePaidCall,
  receiptOf,
  withReceipt,
} from "./settle-paid-call";
import { upstreamFailure, type UpstreamFailure } from "./upstream-call";

// A paid call: reserve → verify, then the plan of its settlement policy (one function each):
//   BEFORE_PROXY   settle → proxy → record (an upstream failure is recorded as owed back)
//   AFTER_SUCCESS  proxy → settle → record (an upstream failure releases the payment)
//   DEFERRED       proxy → queue (server/payments/deferred.ts settles it later)

type UpstreamAnswer = Extract<ProxyOutcome, { kind: "response" }>;
type Kept = Awaited<ReturnType<typeof keepBody>>;

export async function servePaid(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  ctx: RequestContext,
  payment: DecodedPayment,
): Promise<Served> {
  const reserved = await reservePaidCall({ deps, req, ctx, merchant, priced, payment });
  if (isServed(reserved)) return reserved;
  const call = await verifyPaidCall(reserved);
  if (isServed(call)) return call;
  switch (call.policy) {
    case "BEFORE_PROXY":
      return settleBeforeProxy(call);
    case "AFTER_SUCCESS":
      return settleAfterSuccess(call);
    case "DEFERRED":
      return settleDeferred(call);
    case "BATCH":
      // batch-settlement payments take their own path (batch-call.ts) before anything is reserved
      await releasePaidCall(call, "unsupported_scheme");
      return refusePaidCall(
        call,
        "unsupported_scheme",
        'This route is paid with the "batch-settlement" scheme',
      );
    default:
      return call.policy satisfies never;
  }
}

function isServed(value: PaidCall | Served): value is Served {
  return "outcome" in value;
}

/** The merchant wants the money moved before the upstream does any work. */
async function settleBeforeProxy(call: PaidCall): Promise<Served> {
  const settled = await settlePaidCall(call, usageOf(call, 502, null, null));
  if (!settled.ok)
    return settled.unclear
      ? settlementPending(call)
      : refusePaidCall(call, settled.reason, settled.message);
  const result = await callPaidUpstream(call, settled.settlement.transaction);
  if (result.kind !== "response") return owedBackAfterFailure(call, settled.settlement, result);
  const kept = await keepForRetry(call, result);
  // charged before the upstream answered: owed back on an error unless the merchant charges for errors
  const refundDue =
    result.status >= 400 && !call.merchant.chargeOnUpstreamError
      ? `upstream answered ${result.status} after settlement`
      : null;
  return recordAndAnswer(call, result, kept, settled.settlement, refundDue);
}

/**
 * x402's default: not answered until the money is proven to have moved, so the body goes only with
 * a recorded charge. A metered call is charged what the answer reports (metered-call.ts).
 */
async function settleAfterSuccess(reserved: PaidCall): Promise<Served> {
  const result = await callPaidUpstream(reserved, "pending");
  if (result.kind !== "response") return releaseAfterFailure(reserved, result);
  if (result.status >= 400 && !reserved.merchant.chargeOnUpstreamError)
    return releaseAfterUpstreamError(reserved, result);
  const metered = await meterPaidCall(reserved, result);
  if (!metered.ok) return metered.served;
  const { call } = metered;
  const kept = await keepForRetry(call, result);
  if (call.payment.upto && call.amount === 0n)
    return recordAndAnswer(call, result, kept, zeroSettlement(call), null);
  const settled = await settlePaidCall(
    call,
    usageOf(call, 502, result.status, result.upstreamLatencyMs),
  );
  if (!settled.ok) {
    kept.body?.resume();
    const upstream = { upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs };
    return settled.unclear
      ? settlementPending(call, upstream)
      : refusePaidCall(call, settled.reason, settled.message, upstream);
  }
  return recordAndAnswer(call, result, kept, settled.settlement, null);
}

/** Answered now; the settlement queue settles it (server/payments/deferred.ts). */
async function settleDeferred(call: PaidCall): Promise<Served> {
  const result = await callPaidUpstream(call, "pending");
  if (result.kind !== "response") return releaseAfterFailure(call, result);
  if (result.status >= 400 && !call.merchant.chargeOnUpstreamError)
    return releaseAfterUpstreamError(call, result);
  const kept = await keepForRetry(call, result);
  const network = call.priced.route.network.id as SettleResponse["network"];
  // served and owed: the signed receipt states payer, resource and network, and no transaction (the
  // queue sends it later; the response's x-x402-settlement header says so)
  const response = await withReceipt(call, {
    success: true,
    transaction: "",
    network,
    payer: call.payer,
  });
  const paymentResponse = encodePaymentResponse(call.payment.version, response);
  const deferred = {
    requirements: call.requirements,
    usage: usageOf(call, result.status, result.status, result.upstreamLatencyMs),
  };
  await queueDeferredSettlement(call.deps.db, {
    merchantId: call.merchant.id,
    paymentId: call.paymentId,
    at: call.deps.now(),
    deferred,
    outcome: recordedOutcome(call, result, kept, paymentResponse),
    receipt: receiptOf(response),
  });
  call.log.info("payment queued for deferred settlement");
  return served(
    {
      kind: "proxied",
      status: result.status,
      headers: { ...result.headers, "x-x402-settlement": "deferred" },
      body: kept.body,
      paymentResponse,
    },
    {
      ...paidUsage(call),
      status: "CHARGED",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}

/** No answer from the upstream before any money moved: released, nothing charged. */
async function releaseAfterFailure(call: PaidCall, result: UpstreamFailure): Promise<Served> {
  const failure = upstreamFailure(result, call.merchant, call.deps.maxBodyBytes);
  await call.verifiedWrite;
  await releasePaidCall(call, failure.reason);
  return served(failure.outcome, {
    ...paidUsage(call),
    status: "FAILED",
    reason: failure.reason,
    upstreamLatencyMs: failure.upstreamLatencyMs,
  });
}

/** The upstream answered with an error the merchant does not charge for: released; the client gets the upstream's answer. */
async function releaseAfterUpstreamError(call: PaidCall, result: UpstreamAnswer): Promise<Served> {
  await call.verifiedWrite;
  await releasePaidCall(call, "upstream_error", `upstream answered ${result.status}`);
  return served(
    { kind: "proxied", status: result.status, headers: result.headers, body: result.body },
    {
      ...paidUsage(call),
      status: "FAILED",
      reason: "upstream_error",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}

/** BEFORE_PROXY: the money moved before the upstream failed: charged, and recorded as owed back to the payer. */
async function owedBackAfterFailure(
  call: PaidCall,
  settlement: SettleResponse,
  result: UpstreamFailure,
): Promise<Served> {
  const failure = upstreamFailure(result, call.merchant, call.deps.maxBodyBytes);
  await call.verifiedWrite;
  const outcome: GatewayOutcome = {
    kind: "upstream_failed_after_settlement",
    message:
      "The upstream failed after this route's payment had settled (it settles before proxying); the payment is recorded for refund",
    paymentId: call.paymentId,
    paymentResponse: paymentResponseOf(call, settlement),
  };
  const refundDue = `${failure.reason.replaceAll("_", " ")} after settlement`;
  const recorded = await recordOrLeaveUnclear(
    call,
    settlement,
    usageOf(call, outcomeStatus(outcome), null, failure.upstreamLatencyMs),
    { refundDue },
  );
  if (!recorded.ok)
    return settlementPending(call, { upstreamLatencyMs: failure.upstreamLatencyMs });
  return served(outcome, {
    ...paidUsage(call),
    status: "CHARGED",
    reason: "refund_due",
    upstreamLatencyMs: failure.upstreamLatencyMs,
  });
}

/** A client that identified its payment may retry it: the response is kept to replay. */
function keepForRetry(call: PaidCall, result: UpstreamAnswer): Promise<Kept> {
  return call.payment.paymentIdentifier
    ? keepBody(result.body, KEPT_BODY_MAX_BYTES)
    : Promise.resolve({ kept: null, body: result.body });
}

function recordedOutcome(
  call: PaidCall,
  result: UpstreamAnswer,
  kept: Kept,
  paymentResponse: { name: string; value: string },
): RecordedOutcome | null {
  return call.payment.paymentIdentifier
    ? { status: result.status, headers: result.headers, body: kept.kept, paymentResponse }
    : null;
}

/** Records payment + usage + ledger in one transaction, then answers with the upstream's response. */
async function recordAndAnswer(
  call: PaidCall,
  result: UpstreamAnswer,
  kept: Kept,
  charged: SettleResponse,
  refundDue: string | null,
): Promise<Served> {
  // a receipt says the call was paid and served: none when the payment is owed back
  const settlement = refundDue ? charged : await withReceipt(call, charged);
  const paymentResponse = paymentResponseOf(call, settlement);
  const usage = usageOf(call, result.status, result.status, result.upstreamLatencyMs);
  const recorded = await recordOrLeaveUnclear(call, settlement, usage, {
    outcome: recordedOutcome(call, result, kept, paymentResponse),
    refundDue,
  });
  const upstream = { upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs };
  if (!recorded.ok) {
    kept.body?.resume();
    return settlementPending(call, upstream);
  }
  call.log.info({ txHash: settlement.transaction }, "payment recorded");
  const headers = recorded.entitlement
    ? { ...result.headers, "x-x402-entitlement": entitlementHeader(recorded.entitlement) }
    : result.headers;
  return served(
    { kind: "proxied", status: result.status, headers, body: kept.body, paymentResponse },
    { ...paidUsage(call), status: "CHARGED", ...upstream },
  );
}
