import type { ChainClientRegistry } from "@/server/chain/clients";
import type { EncryptionKeys } from "@/server/crypto/secrets";
import type { PrismaClient } from "@/server/db";
import { toAtomic } from "@/server/db/money";
import type { Log } from "@/server/observability/logger";

import { readAuthorizationOnChain } from "./chain-state";
import { recordSettlement, releasePayment } from "./ledger";
import { openPayTo } from "./sealed-payment";
import { SETTLEMENT_UNCLEAR } from "@/server/x402/settle-verdict";

// The reconciler makes the ledger agree with the chain after anything went wrong mid-request (a
// crash between settle and record, a settle call that threw or timed out, a receipt that never
// came — the request leaves those VERIFIED and marked unclear, see settle-verdict.ts): every
// on-chain transfer of a reserved authorization gets exactly one SETTLED payment, and reservations
// whose authorization can no longer move money are released. A payment found settled here was never
// answered with its content (the request path answers only after recording), so it is booked as
// owed back to the payer. It reads only the chain and the payment row, so it can run on any
// instance, at start and periodically.

export type ReconcileResult = {
  examined: number;
  settled: number;
  released: number;
  pending: number;
  errors: number;
};

export async function reconcilePayments(
  deps: {
    db: PrismaClient;
    env: EncryptionKeys;
    chains: ChainClientRegistry;
    log: Log;
    now: () => Date;
  },
  opts: { olderThanMs: number; limit?: number },
): Promise<ReconcileResult> {
  const cutoff = new Date(deps.now().getTime() - opts.olderThanMs);
  const candidates = await deps.db.payment.findMany({
    // queued DEFERRED payments belong to the settlement queue (server/payments/deferred.ts)
    where: {
      status: { in: ["PENDING", "VERIFIED"] },
      updatedAt: { lt: cutoff },
      NOT: { status: "VERIFIED", settlementPolicy: "DEFERRED" },
    },
    orderBy: { updatedAt: "asc" },
    take: opts.limit ?? 100,
    select: {
      id: true,
      merchantId: true,
      network: true,
      asset: true,
      payer: true,
      payToCiphertext: true,
      payToKeyId: true,
      authorizationNonce: true,
      amountAtomic: true,
      scheme: true,
      validBefore: true,
      errorReason: true,
    },
  });
  const result: ReconcileResult = {
    examined: candidates.length,
    settled: 0,
    released: 0,
    pending: 0,
    errors: 0,
  };
  for (const payment of candidates) {
    try {
      const state = await readAuthorizationOnChain(deps.chains, {
        ...payment,
        payTo: openPayTo(payment, deps.env),
        amountAtomic: toAtomic(payment.amountAtomic),
      });
      switch (state.kind) {
        case "no_chain":
          result.pending += 1;
          break;
        case "unused":
          // unused and expired: no one can settle it any more, so the reservation goes
          if (payment.validBefore.getTime() <= deps.now().getTime()) {
            await releasePayment(deps.db, {
              merchantId: payment.merchantId,
              paymentId: payment.id,
              reason: "expired_unsettled",
              message: "the authorization expired without being settled",
              at: deps.now(),
            });
            result.released += 1;
          } else {
            result.pending += 1;
          }
          break;
        case "not_found":
          result.pending += 1;
          deps.log.warn(
            { paymentId: payment.id },
            "authorization used on chain but its transaction was not found in the lookback window",
          );
          break;
        case "spent_elsewhere":
          await releasePayment(deps.db, {
            merchantId: payment.merchantId,
            paymentId: payment.id,
            reason: state.reason,
            message: state.message,
            at: deps.now(),
          });
          result.released += 1;
          break;
        case "settled": {
          const refundDue =
            payment.errorReason === SETTLEMENT_UNCLEAR
              ? "settled on chain after the call was answered settlement_pending, without its content"
              : "settled on chain, but the gateway stopped before answering the call";
          // usage null: the call's usage as the request left it (or a reconciled placeholder)
          const recorded = await recordSettlement(deps.db, deps.env, {
            merchantId: payment.merchantId,
            paymentId: payment.id,
            txHash: state.txHash,
            blockNumber: state.blockNumber,
            at: deps.now(),
            usage: null,
            refundDue,
          });
          if (recorded.recorded) {
            result.settled += 1;
            deps.log.info(
              { paymentId: payment.id, txHash: state.txHash },
              "reconciled a settled payment",
            );
          }
          break;
        }
        default:
          state satisfies never;
      }
    } catch (err) {
      result.errors += 1;
      deps.log.error({ err, paymentId: payment.id }, "reconciling a payment failed");
    }
  }
  return result;
}
