import type { PaymentRequirements, SettleResponse } from "@x402/core/types";

import type { GatewayPaymentFacts } from "@/sdk/src/verify";
import type { SettlementPolicy } from "@/server/db";
import type { Facilitator } from "@/server/facilitator/types";
import type { Log } from "@/server/observability/logger";
import { isAuthorizationSpent } from "@/server/payments/chain-state";
import {
  reserveDeferredPayment,
  type DeferredAdmission,
} from "@/server/payments/deferred-admission";
import {
  findIdentifiedPayment,
  markPaymentVerified,
  releasePayment,
  reservePayment,
  type ChargedUsage,
  type ReservationInput,
} from "@/server/payments/ledger";
import { checkPaymentForRoute } from "@/server/x402/check-payment";
import { priceOf } from "@/server/x402/requirements";
import { signedByPayer } from "@/server/x402/local-signature";
import { encodePaymentResponse, type DecodedPayment } from "@/server/x402/payment-header";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { GatewayOutcome } from "./outcome";
import { rejectPayment } from "./payment-challenge";
import type { PricedCall } from "./price-route";
import { elapsedMs, type RequestContext } from "./request-context";
import { served, type Served, type UsageNote } from "./served";
import { callUpstream } from "./upstream-call";
import type { ProxyOutcome } from "./proxy";

// A paid call as a value: once its payment is reserved, everything the settlement plans
// (serve-paid.ts) need, and the ledger steps they take with it. Each step is one short write; no
// database transaction is held across a network call.

/** The exact-EVM scheme's reason for an authorization whose nonce is used (or cancelled) on chain. */
const AUTHORIZATION_SPENT = "invalid_exact_evm_nonce_already_used";

export type PaidCall = {
  deps: GatewayDeps;
  req: GatewayRequest;
  ctx: RequestContext;
  merchant: MerchantSnapshot;
  priced: PricedCall;
  payment: DecodedPayment;
  /** what the payment pays and the requirements it was checked against */
  amount: bigint;
  requirements: PaymentRequirements;
  payer: string;
  paymentId: string;
  policy: SettlementPolicy;
  facilitator: Facilitator;
  /** the paid path's stages each log one line under the request id (the free path logs only its end) */
  log: Log;
  /** the VERIFIED mark, written while the upstream works; awaited before anything settles or is released */
  verifiedWrite: Promise<void>;
};

/** The access-log facts every answer to a reserved payment carries. */
export function paidUsage(call: PaidCall): Pick<UsageNote, "ruleId" | "paymentId" | "payer"> {
  return { ruleId: call.priced.ruleId, paymentId: call.paymentId, payer: call.payer };
}

/** The payment refused with the protocol's reason: a 402 that says why. */
export function refusePaidCall(
  call: PaidCall,
  reason: string,
  message: string,
  extra: Pick<UsageNote, "upstreamStatus" | "upstreamLatencyMs"> = {},
): Served {
  return rejectPayment(
    call.deps,
    call.req,
    call.priced,
    call.ctx,
    { version: call.payment.version, reason, message },
    { payer: call.payer, paymentId: call.paymentId, ...extra },
  );
}

export function releasePaidCall(call: PaidCall, reason: string, message?: string): Promise<void> {
  return releasePayment(call.deps.db, {
    merchantId: call.merchant.id,
    paymentId: call.paymentId,
    reason,
    message,
    at: call.deps.now(),
  });
}

/** The call's usage as the ledger records it with the payment (CHARGED, or kept for the reconciler). */
export function usageOf(
  call: PaidCall,
  httpStatus: number,
  upstreamStatus: number | null,
  upstreamLatencyMs: number | null,
): ChargedUsage {
  const { ctx } = call;
  return {
    requestId: ctx.requestId,
    method: ctx.method,
    path: ctx.path,
    httpStatus,
    upstreamStatus,
    latencyMs: elapsedMs(ctx),
    upstreamLatencyMs,
    clientIp: ctx.clientIp,
  };
}

export function paymentResponseOf(
  call: PaidCall,
  settlement: SettleResponse,
): { name: string; value: string } {
  const { extra: _internal, ...publicSettlement } = settlement;
  return encodePaymentResponse(call.payment.version, publicSettlement);
}

/**
 * The upstream leg of a paid call. x402 settles after the resource is served unless the rule says
 * BEFORE_PROXY: until then the upstream is told the transaction is "pending".
 */
export async function callPaidUpstream(call: PaidCall, txHash: string): Promise<ProxyOutcome> {
  const { route } = call.priced;
  const facts: GatewayPaymentFacts = {
    kind: "paid",
    paymentId: call.paymentId,
    payer: call.payer,
    amount: call.amount.toString(),
    asset: route.asset.address,
    network: route.network.id,
    txHash,
    billingMode: route.rule.billingMode,
    settlementPolicy: route.rule.settlementPolicy,
  };
  const extra = {
    "x-x402-payer": call.payer,
    "x-x402-payment-id": call.paymentId,
    "x-x402-amount": call.amount.toString(),
    "x-x402-network": route.network.id,
  };
  const result = await callUpstream(call.deps, {
    req: call.req,
    ctx: call.ctx,
    merchant: call.merchant,
    target: call.priced.target,
    facts,
    extra,
  });
  call.log.info(
    result.kind === "response"
      ? { upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs }
      : { upstreamFailure: result.kind },
    "upstream answered",
  );
  return result;
}

/**
 * The settlement policy a payment is reserved under, or — for a DEFERRED rule with the merchant's
 * switch on — what the admission needs to decide it inside the reservation (exposure cap, flag,
 * balance: server/payments/deferred-admission.ts), so concurrent calls cannot all pass the cap.
 */
async function settlementPolicyFor(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  payer: string,
): Promise<{ policy: SettlementPolicy; admission?: DeferredAdmission }> {
  const { route } = priced;
  if (priced.settlementPolicy !== "DEFERRED") return { policy: priced.settlementPolicy };
  if (!merchant.deferredSettlementOn) return { policy: "AFTER_SUCCESS" };
  const balanceAtomic = await deps.payerBalances
    .get(`${route.network.id}|${route.asset.address}|${payer}`)
    .catch(() => null);
  const onDowngrade = (because: string) =>
    deps.log.info(
      { merchantId: merchant.id, payer, because },
      "deferred payment settles after success instead",
    );
  return {
    policy: "DEFERRED",
    admission: { capAtomic: merchant.maxUnsettledPerPayer, balanceAtomic, onDowngrade },
  };
}

/**
 * A payment whose identifier is already recorded: the same authorization gets the recorded outcome
 * (or "still in progress"); another authorization under the same identifier is a conflict. Null
 * when no payment holds the identifier (the reservation clashed on the authorization itself).
 */
async function retriedPaymentOutcome(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  paymentIdentifier: string,
  payer: string,
  nonce: string,
): Promise<GatewayOutcome | null> {
  const existing = await findIdentifiedPayment(deps.db, {
    merchantId: merchant.id,
    paymentIdentifier,
  });
  if (!existing) return null;
  if (existing.payer !== payer || existing.authorizationNonce !== nonce.toLowerCase()) {
    return {
      kind: "payment_identifier_conflict",
      message: "This payment identifier was already used with a different payment",
      paymentId: existing.id,
    };
  }
  const outcome = existing.outcome;
  if (outcome?.body) {
    return {
      kind: "replayed",
      status: outcome.status,
      headers: outcome.headers as Record<string, string | string[]>,
      body: Buffer.from(outcome.body),
      paymentResponse: { name: outcome.paymentResponseName, value: outcome.paymentResponseValue },
    };
  }
  if (existing.status === "PENDING" || existing.status === "VERIFIED")
    return { kind: "payment_in_progress", paymentId: existing.id };
  const why =
    existing.status === "SETTLED" || existing.status === "REFUNDED"
      ? "was charged once already; its response was too large to keep"
      : "failed and cannot be used again";
  return {
    kind: "payment_identifier_conflict",
    message: `The payment with this identifier ${why}`,
    paymentId: existing.id,
  };
}

type Reserving = {
  deps: GatewayDeps;
  req: GatewayRequest;
  ctx: RequestContext;
  merchant: MerchantSnapshot;
  priced: PricedCall;
  payment: DecodedPayment;
};

function reservationInput(
  r: Reserving,
  payer: string,
  amount: bigint,
  facilitator: Facilitator,
  policy: SettlementPolicy,
): ReservationInput {
  const { route } = r.priced;
  const { authorization } = r.payment.exact;
  return {
    merchantId: r.merchant.id,
    ruleId: r.priced.ruleId,
    x402Version: r.payment.version,
    scheme: r.payment.scheme,
    network: route.network.id,
    asset: route.asset.address,
    payer,
    payTo: route.payTo,
    amountAtomic: amount,
    requiredAmountAtomic: priceOf(route),
    nonce: authorization.nonce,
    validAfter: BigInt(authorization.validAfter),
    validBefore: BigInt(authorization.validBefore),
    payloadEncoded: r.payment.encoded,
    facilitator: facilitator.kind,
    settlementPolicy: policy,
    resource: route.resourceUrl,
    requestId: r.ctx.requestId,
    paymentIdentifier: r.payment.paymentIdentifier,
  };
}

/**
 * A reservation that clashed: a retry of an identified payment gets the first attempt's outcome;
 * anything else is refused as a replay (or an identifier used for another payment).
 */
async function refusedReservation(
  r: Reserving,
  reason: "payment_replayed" | "payment_identifier_reused",
  payer: string,
): Promise<Served> {
  const { deps, merchant, payment, priced } = r;
  const retried = payment.paymentIdentifier
    ? await retriedPaymentOutcome(
        deps,
        merchant,
        payment.paymentIdentifier,
        payer,
        payment.exact.authorization.nonce,
      )
    : null;
  if (retried)
    return served(retried, {
      ruleId: priced.ruleId,
      status: "REJECTED",
      reason: `idempotent_${retried.kind}`,
      payer,
    });
  const message =
    reason === "payment_replayed"
      ? "This payment authorization was already used"
      : "This payment identifier was already used for another payment";
  return rejectPayment(
    deps,
    r.req,
    priced,
    r.ctx,
    { version: payment.version, reason, message },
    { payer },
  );
}

/**
 * Checks the payment against the route and reserves it: the unique reservation key makes a second
 * use of this authorization impossible. A retry of an identified payment gets the first attempt's
 * outcome instead of a refusal.
 */
export async function reservePaidCall(offered: Reserving): Promise<PaidCall | Served> {
  const { deps, merchant, payment } = offered;
  const check = checkPaymentForRoute(
    payment,
    offered.priced.route,
    Math.floor(deps.now().getTime() / 1000),
  );
  const payer = payment.exact.authorization.from.toLowerCase();
  if (!check.ok)
    return rejectPayment(
      deps,
      offered.req,
      offered.priced,
      offered.ctx,
      { version: payment.version, reason: check.reason, message: check.message },
      { payer },
    );
  // from here on the call is priced in the option the buyer chose (its 402s still offer them all)
  const r: Reserving = { ...offered, priced: { ...offered.priced, route: check.route } };
  const { priced } = r;
  const facilitator = deps.facilitators.forKind(merchant.facilitator);
  if (!facilitator) {
    deps.log.error(
      { merchantId: merchant.id, facilitator: merchant.facilitator },
      "the merchant's facilitator is not configured",
    );
    return served({
      kind: "unavailable",
      message: `The ${merchant.facilitator.toLowerCase()} facilitator is not configured on this gateway; nothing was charged`,
    });
  }
  const chosen = await settlementPolicyFor(deps, merchant, priced, payer);
  const input = reservationInput(r, payer, check.amount, facilitator, chosen.policy);
  const reservation = chosen.admission
    ? await reserveDeferredPayment(deps.db, input, deps.env, chosen.admission)
    : await reservePayment(deps.db, input, deps.env);
  if (!reservation.ok) return refusedReservation(r, reservation.reason, payer);
  const { paymentId, settlementPolicy: policy } = reservation;
  const log = deps.log.child({ requestId: r.ctx.requestId, merchantId: merchant.id, paymentId });
  log.info(
    { payer, amountAtomic: check.amount.toString(), network: priced.route.network.id, policy },
    "payment reserved",
  );
  return {
    ...r,
    amount: check.amount,
    requirements: check.requirements,
    payer,
    paymentId,
    policy,
    facilitator,
    log,
    verifiedWrite: Promise.resolve(),
  };
}

/**
 * Verifies through the merchant's facilitator (signature, balance, nonce unused on chain). A
 * DEFERRED payment signed by an ordinary wallet is checked locally instead: its balance was read
 * (cached) when the policy was chosen, the chain is asked whether the authorization is still unused
 * (a used or cancelled one would be served and never paid), and the facilitator verifies it again
 * when the queue settles. When the chain cannot be asked, the facilitator verifies now.
 */
export async function verifyPaidCall(call: PaidCall): Promise<PaidCall | Served> {
  const { deps, priced, payment, payer } = call;
  const signedLocally =
    call.policy === "DEFERRED" && (await signedByPayer(payment.exact, priced.route));
  const spent = signedLocally
    ? await isAuthorizationSpent(deps.chains, {
        network: priced.route.network.id,
        asset: priced.route.asset.address,
        payer,
        nonce: payment.exact.authorization.nonce,
      })
    : null;
  if (spent === true) {
    const message = "This authorization was already used or cancelled on chain";
    await releasePaidCall(call, AUTHORIZATION_SPENT, message);
    return refusePaidCall(call, AUTHORIZATION_SPENT, message);
  }
  const verification =
    spent === false
      ? { isValid: true as const }
      : await call.facilitator.verify(payment.payload, call.requirements, {
          requestId: call.ctx.requestId,
          merchantId: call.merchant.id,
        });
  if (!verification.isValid) {
    const reason = verification.invalidReason ?? "invalid_payment";
    await releasePaidCall(call, reason, verification.invalidMessage);
    return refusePaidCall(call, reason, verification.invalidMessage ?? reason);
  }
  // A DEFERRED payment becomes VERIFIED when it is queued, in one write after the upstream answered
  const verifiedWrite =
    call.policy === "DEFERRED"
      ? Promise.resolve()
      : markPaymentVerified(deps.db, {
          merchantId: call.merchant.id,
          paymentId: call.paymentId,
          at: deps.now(),
        });
  verifiedWrite.catch(() => undefined); // a failure surfaces where it is awaited, not as an unhandled rejection
  return { ...call, verifiedWrite };
}
