import type { SettleResponse } from "@x402/core/types";

import type { Prisma } from "@/server/db";
import type { GrantedEntitlement } from "@/server/entitlements/entitlements";
import {
  markSettlementUnclear,
  recordSettlement,
  type ChargedUsage,
  type RecordedOutcome,
} from "@/server/payments/ledger";
import { OFFER_RECEIPT } from "@/server/receipts/jws";
import { receiptExtension, signReceipt } from "@/server/receipts/offer-receipt";
import { settleVerdict } from "@/server/x402/settle-verdict";

import { paidUsage, releasePaidCall, type PaidCall } from "./paid-call";
import { served, type Served, type UsageNote } from "./served";

// The settlement and record steps of a paid call. Only a refusal before sending or a reverted
// transaction releases the authorization; an outcome that proves neither (a throw, a timeout, no
// receipt, a record that failed after the transfer) keeps it reserved and marked unclear for the
// reconciler, with the usage of the call, which is not answered (server/x402/settle-verdict.ts).

export type Settled =
  | { ok: true; settlement: SettleResponse }
  | { ok: false; unclear: false; reason: string; message: string }
  | { ok: false; unclear: true };

async function leaveUnclear(call: PaidCall, detail: string, usage: ChargedUsage): Promise<void> {
  call.log.warn(
    { detail },
    "settlement outcome unknown: the payment stays reserved for the reconciler",
  );
  // a database that failed the record may fail this too: the row is VERIFIED either way, which the reconciler examines
  await markSettlementUnclear(call.deps.db, {
    merchantId: call.merchant.id,
    paymentId: call.paymentId,
    message: detail,
    usage,
    at: call.deps.now(),
  }).catch((err: unknown) => call.log.error({ err }, "could not mark the settlement unclear"));
}

async function facilitatorSettle(call: PaidCall): Promise<SettleResponse> {
  try {
    return await call.facilitator.settle(call.payment.payload, call.requirements, {
      requestId: call.ctx.requestId,
      merchantId: call.merchant.id,
    });
  } catch (err) {
    call.log.error({ err }, "settlement threw: its outcome is unknown");
    const network = call.priced.route.network.id as SettleResponse["network"];
    return {
      success: false,
      errorReason: "settlement_threw",
      errorMessage: err instanceof Error ? err.message : String(err),
      transaction: "",
      network,
    };
  }
}

/** Settles through the facilitator; `usage` is what the reconciler books if the outcome stays unknown. */
export async function settlePaidCall(call: PaidCall, usage: ChargedUsage): Promise<Settled> {
  await call.verifiedWrite;
  const settlement = await facilitatorSettle(call);
  const verdict = settleVerdict(settlement);
  if (verdict === "nothing_moved") {
    const reason = settlement.errorReason ?? "settlement_failed";
    const message = settlement.transaction
      ? `${settlement.errorMessage ?? "reverted"} (${settlement.transaction})`
      : settlement.errorMessage;
    await releasePaidCall(call, reason, message);
    return { ok: false, unclear: false, reason, message: settlement.errorMessage ?? reason };
  }
  if (verdict === "unclear") {
    const detail = `${settlement.errorReason ?? "settlement_failed"}: ${settlement.errorMessage ?? "no detail"}${settlement.transaction ? ` (${settlement.transaction})` : ""}`;
    await leaveUnclear(call, detail, usage);
    return { ok: false, unclear: true };
  }
  try {
    await call.deps.afterSettleHook?.(call.paymentId);
  } catch (err) {
    call.log.error({ err }, "settled, but stopped before recording it");
    await leaveUnclear(
      call,
      `settled in ${settlement.transaction}, stopped before recording it`,
      usage,
    );
    return { ok: false, unclear: true };
  }
  return { ok: true, settlement };
}

/**
 * The settlement with the platform's signed receipt in `extensions["offer-receipt"]` (spec §5: for a
 * call that was paid and served; the caller leaves it out when the payment is owed back). A DEFERRED
 * call's receipt names no transaction: the spec makes it optional, and none exists yet.
 */
export async function withReceipt(
  call: PaidCall,
  settlement: SettleResponse,
): Promise<SettleResponse> {
  const signer = await call.deps.receipts.ready();
  if (!signer || !settlement.success) return settlement;
  const receipt = signReceipt(signer, {
    resourceUrl: call.priced.route.resourceUrl,
    payer: settlement.payer ?? call.payer,
    network: call.priced.route.network.id,
    transaction: settlement.transaction || undefined,
    issuedAt: call.deps.now(),
  });
  const extensions = { ...settlement.extensions, [OFFER_RECEIPT]: receiptExtension(receipt) };
  return { ...settlement, extensions };
}

/** The receipt a settlement carries (stored with the payment). */
export function receiptOf(settlement: SettleResponse): Prisma.InputJsonObject | null {
  const ext = settlement.extensions?.[OFFER_RECEIPT] as { info?: { receipt?: object } } | undefined;
  return (ext?.info?.receipt as Prisma.InputJsonObject | undefined) ?? null;
}

/**
 * Records the settlement (payment SETTLED + usage CHARGED + ledger entries, one transaction), or —
 * when the write fails after the transfer — leaves the payment unclear for the reconciler.
 */
export async function recordOrLeaveUnclear(
  call: PaidCall,
  settlement: SettleResponse,
  usage: ChargedUsage,
  extra: { outcome?: RecordedOutcome | null; refundDue?: string | null } = {},
): Promise<{ ok: true; entitlement: GrantedEntitlement | null } | { ok: false }> {
  const blockNumber = (settlement.extra as { blockNumber?: string } | undefined)?.blockNumber;
  try {
    const recorded = await recordSettlement(call.deps.db, call.deps.env, {
      merchantId: call.merchant.id,
      paymentId: call.paymentId,
      txHash: settlement.transaction,
      blockNumber: blockNumber ? BigInt(blockNumber) : null,
      at: call.deps.now(),
      usage,
      receipt: receiptOf(settlement),
      ...extra,
    });
    return { ok: true, entitlement: recorded.entitlement };
  } catch (err) {
    call.log.error({ err, txHash: settlement.transaction }, "settled, but recording it failed");
    await leaveUnclear(call, `settled in ${settlement.transaction}, recording it failed`, usage);
    return { ok: false };
  }
}

/** The answer when the settlement's outcome is unknown: no content, and the payment id to ask about. */
export function settlementPending(
  call: PaidCall,
  extra: Pick<UsageNote, "upstreamStatus" | "upstreamLatencyMs"> = {},
): Served {
  return served(
    { kind: "settlement_pending", paymentId: call.paymentId },
    { ...paidUsage(call), status: "FAILED", reason: "settlement_pending", ...extra },
  );
}
