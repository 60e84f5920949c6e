import type { Hash } from "viem";

import type { ChainClientRegistry } from "@/server/chain/clients";
import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import type { PrismaClient } from "@/server/db";
import { toAtomic } from "@/server/db/money";
import { checkTransferReceipt, ERC20_TRANSFER_EVENTS } from "@/server/facilitator/receipt";
import type { Log } from "@/server/observability/logger";

import { recordSettlement, releasePayment } from "./ledger";

// The reconciler makes the ledger agree with the chain after anything went wrong mid-request (a
// crash between settle and record, a receipt that timed out): every on-chain transfer of a reserved
// authorization gets exactly one SETTLED payment, and reservations whose authorization can no
// longer move money are released. It reads only the chain and the payment row, so it can run on
// any instance, at start and periodically.

export type ReconcileResult = { examined: number; settled: number; released: number; pending: number; errors: number };

/** How far back to look for the settlement transaction on chains where logs queries are ranged. */
const LOG_LOOKBACK_BLOCKS = 100_000n;

export async function reconcilePayments(
  deps: { db: PrismaClient; chains: ChainClientRegistry; log: Log; now: () => Date },
  opts: { olderThanMs: number; limit?: number },
): Promise<ReconcileResult> {
  const cutoff = new Date(deps.now().getTime() - opts.olderThanMs);
  const candidates = await deps.db.payment.findMany({
    where: { status: { in: ["PENDING", "VERIFIED"] }, updatedAt: { lt: cutoff } },
    orderBy: { updatedAt: "asc" },
    take: opts.limit ?? 100,
    select: { id: true, merchantId: true, network: true, asset: true, payer: true, payTo: true, authorizationNonce: true, amountAtomic: true, validBefore: true },
  });
  const result: ReconcileResult = { examined: candidates.length, settled: 0, released: 0, pending: 0, errors: 0 };
  for (const payment of candidates) {
    try {
      const clients = deps.chains.forNetwork(payment.network);
      if (!clients) {
        result.pending += 1;
        continue;
      }
      const { publicClient } = clients;
      const asset = payment.asset as `0x${string}`;
      const nonce = payment.authorizationNonce as `0x${string}`;
      const used = await publicClient.readContract({ address: asset, abi: TEST_USDC_ABI, functionName: "authorizationState", args: [payment.payer as `0x${string}`, nonce] });
      if (!used) {
        // unused and expired: no one can settle it any more, so the reservation goes
        if (payment.validBefore.getTime() <= deps.now().getTime()) {
          await releasePayment(deps.db, { merchantId: payment.merchantId, paymentId: payment.id, reason: "expired_unsettled", message: "the authorization expired without being settled", at: deps.now() });
          result.released += 1;
        } else {
          result.pending += 1;
        }
        continue;
      }
      const latest = await publicClient.getBlockNumber();
      const logs = await publicClient.getLogs({
        address: asset,
        event: ERC20_TRANSFER_EVENTS[1],
        args: { authorizer: payment.payer as `0x${string}`, nonce },
        fromBlock: latest > LOG_LOOKBACK_BLOCKS ? latest - LOG_LOOKBACK_BLOCKS : 0n,
        toBlock: latest,
      });
      const log = logs[0];
      if (!log?.transactionHash) {
        result.pending += 1;
        deps.log.warn({ paymentId: payment.id }, "authorization used on chain but its transaction was not found in the lookback window");
        continue;
      }
      const receipt = await publicClient.getTransactionReceipt({ hash: log.transactionHash as Hash });
      const check = checkTransferReceipt(receipt, { asset, from: payment.payer, payTo: payment.payTo, amount: toAtomic(payment.amountAtomic) });
      if (!check.ok) {
        // the authorization was spent, but not as this payment: nothing of it reached the merchant
        await releasePayment(deps.db, { merchantId: payment.merchantId, paymentId: payment.id, reason: check.reason, message: check.message, at: deps.now() });
        result.released += 1;
        continue;
      }
      const recorded = await recordSettlement(deps.db, {
        merchantId: payment.merchantId,
        paymentId: payment.id,
        txHash: log.transactionHash,
        blockNumber: receipt.blockNumber,
        at: deps.now(),
        usage: null,
      });
      if (recorded.recorded) {
        result.settled += 1;
        deps.log.info({ paymentId: payment.id, txHash: log.transactionHash }, "reconciled a settled payment");
      }
    } catch (err) {
      result.errors += 1;
      deps.log.error({ err, paymentId: payment.id }, "reconciling a payment failed");
    }
  }
  return result;
}
