import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";

import type { ChainClientRegistry } from "@/server/chain/clients";
import type { EncryptionKeys } from "@/server/crypto/secrets";
import { type Prisma, type Db, type PrismaClient, type SettlementPolicy } from "@/server/db";
import { createId } from "@/server/db/ids";
import { jsonRow } from "@/server/db/json-rows";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";
import type { Facilitators } from "@/server/facilitator";
import { decodePaymentHeader, PAYMENT_HEADER_V2 } from "@/server/x402/payment-header";
import type { Log } from "@/server/observability/logger";

import { readAuthorizationOnChain } from "./chain-state";
import {
  outcomeRow,
  paymentUsageRow,
  queuedUsageOf,
  recordSettlement,
  type DeferredSettlement,
  type RecordedOutcome,
} from "./ledger";
import { openPayload, openPayTo } from "./sealed-payment";
import { settleVerdict } from "@/server/x402/settle-verdict";

// DEFERRED settlement: the gateway answers a verified, reserved call at once and this queue settles
// it afterwards. The queue is the Payment table itself (VERIFIED + DEFERRED + nextSettleAt): a run
// claims due rows with FOR UPDATE SKIP LOCKED and a lease, so any number of instances can run it and
// each payment is worked on by one at a time; before sending anything it asks the chain whether the
// authorization was already used (a transfer sent before a crash), so no payment settles twice.

export type DeferredQueueDeps = {
  db: PrismaClient;
  /** opens the queued payment's sealed destination and payload */
  env: EncryptionKeys;
  chains: ChainClientRegistry;
  facilitators: Facilitators;
  log: Log;
  now: () => Date;
  /** test-only fault injection: runs between a successful settlement and its record */
  afterSettleHook?: (paymentId: string) => Promise<void>;
};

export type DeferredQueueOptions = {
  limit?: number;
  /** how long a claimed payment is left to the claiming worker before another may take it */
  leaseMs?: number;
  /** settlement attempts before the payment is given up as unpaid */
  maxAttempts?: number;
  retryBaseMs?: number;
};

export const DEFERRED_DEFAULTS = {
  limit: 50,
  leaseMs: 60_000,
  maxAttempts: 6,
  retryBaseMs: 2_000,
} as const;

/** How many claimed payments a run settles at once. */
const SETTLE_CONCURRENCY = 16;

/** A deferred payment is given up this long before its authorization expires (it could not land). */
const EXPIRY_MARGIN_MS = 10_000;

/** Backoff after a failed attempt: base, 2×base, 4×base, … capped at five minutes. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

/**
 * Whether a payment on a DEFERRED rule is served deferred: the merchant's switch is on, the payer
 * is not flagged, its unsettled deferred exposure stays under the merchant's cap, and its wallet
 * (as last read, at most a couple of seconds ago) holds that exposure plus this call. Otherwise it
 * settles after success, as any other call. Pure: the gateway reads the inputs.
 */
export function effectiveSettlementPolicy(input: {
  rulePolicy: SettlementPolicy;
  deferredOn: boolean;
  capAtomic: bigint | null;
  exposure: { unsettledAtomic: bigint; flagged: boolean } | null;
  amountAtomic: bigint;
  /** the payer's token balance (read through a short cache), null when unknown */
  balanceAtomic: bigint | null;
}): {
  policy: SettlementPolicy;
  downgraded: null | "deferred_off" | "payer_flagged" | "exposure_cap" | "insufficient_balance";
} {
  if (input.rulePolicy !== "DEFERRED") return { policy: input.rulePolicy, downgraded: null };
  if (!input.deferredOn || !input.exposure)
    return { policy: "AFTER_SUCCESS", downgraded: "deferred_off" };
  if (input.exposure.flagged) return { policy: "AFTER_SUCCESS", downgraded: "payer_flagged" };
  if (
    input.capAtomic !== null &&
    input.exposure.unsettledAtomic + input.amountAtomic > input.capAtomic
  )
    return { policy: "AFTER_SUCCESS", downgraded: "exposure_cap" };
  // the wallet must hold what it already owes here plus this call; otherwise the facilitator decides now
  if (
    input.balanceAtomic === null ||
    input.balanceAtomic < input.exposure.unsettledAtomic + input.amountAtomic
  )
    return { policy: "AFTER_SUCCESS", downgraded: "insufficient_balance" };
  return { policy: "DEFERRED", downgraded: null };
}

/** The payer's unsettled deferred amount at a merchant and whether it is flagged, in one query. */
export async function deferredExposure(
  db: Pick<PrismaClient, "$queryRaw">,
  opts: { merchantId: string; payer: string },
): Promise<{ unsettledAtomic: bigint; flagged: boolean }> {
  const rows = await db.$queryRaw<{ unsettled: string; flagged: boolean }[]>`
    SELECT COALESCE(SUM("amountAtomic"), 0)::text AS unsettled,
           EXISTS (SELECT 1 FROM "PayerFlag" WHERE payer = ${opts.payer}) AS flagged
      FROM "Payment"
     WHERE "merchantId" = ${opts.merchantId} AND payer = ${opts.payer}
       AND "settlementPolicy" = 'DEFERRED' AND status IN ('PENDING', 'VERIFIED')`;
  const row = rows[0];
  return { unsettledAtomic: BigInt(row?.unsettled ?? "0"), flagged: Boolean(row?.flagged) };
}

type ClaimedRow = {
  id: string;
  merchantId: string;
  network: string;
  asset: string;
  payer: string;
  payToCiphertext: string;
  payToKeyId: string;
  authorizationNonce: string;
  amountAtomic: string;
  validBefore: Date;
  payloadCiphertext: string;
  payloadKeyId: string;
  facilitator: "LOCAL" | "HOSTED";
  settleAttempts: number;
  deferredSettlement: DeferredSettlement | null;
  /** the gateway request that served the call: the settlement's log lines carry it */
  requestId: string;
};

type ClaimedPayment = Omit<
  ClaimedRow,
  "payToCiphertext" | "payToKeyId" | "payloadCiphertext" | "payloadKeyId"
> & { payTo: string; payloadEncoded: string };

async function claimDuePayments(
  db: PrismaClient,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<ClaimedRow[]>`
    UPDATE "Payment" SET "nextSettleAt" = ${leaseUntil}, "settleAttempts" = "settleAttempts" + 1, "updatedAt" = ${now}
     WHERE id IN (
       SELECT id FROM "Payment"
        WHERE status = 'VERIFIED' AND "settlementPolicy" = 'DEFERRED' AND "nextSettleAt" <= ${now}
        ORDER BY "nextSettleAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING id, "merchantId", network, asset, payer, "payToCiphertext", "payToKeyId", "authorizationNonce", "amountAtomic"::text AS "amountAtomic",
              "validBefore", "payloadCiphertext", "payloadKeyId", facilitator::text AS facilitator, "settleAttempts", "deferredSettlement", "requestId"`;
}

export type DeferredRunResult = {
  claimed: number;
  settled: number;
  retried: number;
  unpaid: number;
  errors: number;
};

/** One pass over the due deferred payments. Safe to run concurrently on any number of instances. */
export async function settleDeferredPayments(
  deps: DeferredQueueDeps,
  options: DeferredQueueOptions = {},
): Promise<DeferredRunResult> {
  const opts = { ...DEFERRED_DEFAULTS, ...options };
  const claimed = await claimDuePayments(deps.db, deps.now(), opts.limit, opts.leaseMs);
  const result: DeferredRunResult = {
    claimed: claimed.length,
    settled: 0,
    retried: 0,
    unpaid: 0,
    errors: 0,
  };
  // The claimed payments settle side by side, SETTLE_CONCURRENCY at a time: each is its own
  // authorization under its own lease, and the settlement sender pipelines their transactions (one
  // after the other, each run waited for one receipt per payment: about four settlements a
  // second). Not all at once: each settlement ends in a database transaction, and a hundred of
  // them together took the pooled connections the gateway's requests were waiting for.
  let next = 0;
  const settleNext = async (): Promise<void> => {
    for (let row = claimed[next++]; row !== undefined; row = claimed[next++]) await settleRow(row);
  };
  const settleRow = async (row: ClaimedRow) => {
    try {
      const { payToCiphertext, payToKeyId, payloadCiphertext, payloadKeyId, ...rest } = row;
      const payment = {
        ...rest,
        payTo: openPayTo(row, deps.env),
        payloadEncoded: openPayload(row, deps.env),
      };
      const outcome = await settleOne(deps, payment, opts);
      result[outcome] += 1;
    } catch (err) {
      // the lease runs out and a later run tries again
      result.errors += 1;
      deps.log.error({ err, paymentId: row.id }, "deferred settlement failed unexpectedly");
    }
  };
  await Promise.all(Array.from({ length: SETTLE_CONCURRENCY }, settleNext));
  return result;
}

async function settleOne(
  deps: DeferredQueueDeps,
  payment: ClaimedPayment,
  opts: Required<DeferredQueueOptions>,
): Promise<"settled" | "retried" | "unpaid"> {
  const amountAtomic = BigInt(payment.amountAtomic);
  const record = async (txHash: string, blockNumber: bigint | null) => {
    await recordSettlement(deps.db, deps.env, {
      merchantId: payment.merchantId,
      paymentId: payment.id,
      txHash,
      blockNumber,
      at: deps.now(),
      usage: null,
    });
    return "settled" as const;
  };
  const unpaid = async (reason: string, message: string) => {
    await markDeferredUnpaid(deps.db, {
      merchantId: payment.merchantId,
      paymentId: payment.id,
      reason,
      message,
      at: deps.now(),
    });
    deps.log.warn(
      { paymentId: payment.id, payer: payment.payer, reason },
      "deferred payment could not be settled: recorded as unpaid and the payer flagged",
    );
    return "unpaid" as const;
  };
  const retryOrGiveUp = async (
    reason: string,
    message: string,
    opts2: { mayHaveMoved?: boolean } = {},
  ) => {
    const now = deps.now().getTime();
    const next = now + retryDelayMs(payment.settleAttempts, opts.retryBaseMs);
    // a transaction that went out and may still land is never given up: the next run reads the chain
    const giveUp =
      !opts2.mayHaveMoved &&
      (payment.settleAttempts >= opts.maxAttempts ||
        next >= payment.validBefore.getTime() - EXPIRY_MARGIN_MS);
    if (giveUp) return unpaid(reason, message);
    await deps.db.payment.updateMany({
      where: { id: payment.id, merchantId: payment.merchantId, status: "VERIFIED" },
      data: { nextSettleAt: new Date(next), errorReason: reason, errorMessage: message },
    });
    return "retried" as const;
  };

  // 1. what the chain already knows: a transfer sent before a crash is recorded, not sent again
  const state = await readAuthorizationOnChain(deps.chains, { ...payment, amountAtomic });
  if (state.kind === "settled") return record(state.txHash, state.blockNumber);
  if (state.kind === "spent_elsewhere") return unpaid(state.reason, state.message);
  if (state.kind === "not_found")
    return retryOrGiveUp(
      "settlement_not_found",
      "the authorization is used on chain but its transaction was not found yet",
      { mayHaveMoved: true },
    );

  // 2. settle through the merchant's facilitator
  const facilitator = deps.facilitators.forKind(payment.facilitator);
  const decoded = decodePaymentHeader({
    get: (name: string) => (name === PAYMENT_HEADER_V2 ? payment.payloadEncoded : null),
  });
  // queued without payTo (sealed in its own column): put it back for the facilitator
  const queued = payment.deferredSettlement?.requirements as
    Omit<PaymentRequirements, "payTo"> | undefined;
  const requirements: PaymentRequirements | undefined = queued
    ? { ...queued, payTo: payment.payTo }
    : undefined;
  if (!facilitator || decoded.kind !== "ok" || !requirements) {
    return retryOrGiveUp(
      "settlement_unavailable",
      facilitator
        ? "the queued payment cannot be decoded"
        : `the ${payment.facilitator.toLowerCase()} facilitator is not configured`,
    );
  }
  const settlement = await facilitator.settle(
    decoded.payment.payload as PaymentPayload,
    requirements,
    { requestId: payment.requestId, merchantId: payment.merchantId },
  );
  if (settlement.success) {
    await deps.afterSettleHook?.(payment.id);
    const blockNumber = (settlement.extra as { blockNumber?: string } | undefined)?.blockNumber;
    return record(settlement.transaction, blockNumber ? BigInt(blockNumber) : null);
  }
  const reason = settlement.errorReason ?? "settlement_failed";
  // a throw, a timeout or a lost receipt may still land: retried (after reading the chain), never given up
  const mayHaveMoved = settleVerdict(settlement) === "unclear";
  return retryOrGiveUp(reason, settlement.errorMessage ?? reason, { mayHaveMoved });
}

// The queued requirements name payTo, which is sealed in its own column: the queue stores them
// without it and puts it back when it settles (below).
function withoutPayTo(deferred: DeferredSettlement): DeferredSettlement {
  const requirements = deferred.requirements;
  if (requirements === null || typeof requirements !== "object") return deferred;
  const { payTo: _sealedElsewhere, ...rest } = requirements as Record<string, unknown>;
  return { ...deferred, requirements: rest };
}

/**
 * Queues a served DEFERRED payment for settlement (settleDueDeferred settles it): the
 * payment becomes VERIFIED, due now, with what the queue needs, and the outcome a retry replays.
 */
export async function queueDeferredSettlement(
  db: Db,
  opts: {
    merchantId: string;
    paymentId: string;
    at: Date;
    deferred: DeferredSettlement;
    outcome?: RecordedOutcome | null;
    /** the signed receipt the answer carried (no transaction yet); the settlement keeps it */
    receipt?: Prisma.InputJsonObject | null;
  },
): Promise<boolean> {
  const run = async (tx: Db) => {
    const queued = await tx.$executeRawUnsafe(
      QUEUE_DEFERRED_SQL,
      opts.paymentId,
      opts.merchantId,
      opts.at.toISOString(),
      jsonRow(withoutPayTo(opts.deferred)),
      opts.receipt ? jsonRow(opts.receipt) : null,
      new Date().toISOString(),
    );
    if (queued === 1 && opts.outcome)
      await tx.paymentOutcome.create({
        data: outcomeRow(opts.merchantId, opts.paymentId, opts.outcome),
      });
    return queued === 1;
  };
  if (opts.outcome && "$transaction" in db) return db.$transaction(run);
  return run(db);
}

// One statement per queued call (a Prisma updateMany cost several times its CPU on this path).
// $1 payment, $2 merchant, $3 queued at, $4 what the queue settles it with, $5 receipt, $6 updatedAt;
// times are ISO strings read as UTC (server/db/json-rows.ts)
const QUEUE_DEFERRED_SQL = `
UPDATE "Payment" SET "status" = 'VERIFIED', "verifiedAt" = $3::timestamp(3), "nextSettleAt" = $3::timestamp(3),
  "deferredSettlement" = $4::jsonb, "receipt" = COALESCE($5::jsonb, "receipt"), "updatedAt" = $6::timestamp(3)
WHERE "id" = $1 AND "merchantId" = $2 AND "status" IN ('PENDING', 'VERIFIED')`;

/**
 * A DEFERRED payment that can never be settled (the payer moved the funds, or the authorization
 * expired): the served call is recorded as UNPAID usage, the payer is flagged so its later deferred
 * calls settle before they are answered, and the merchant hears of it — all in one transaction.
 * The reservation key stays: the authorization must not buy another call.
 */
export async function markDeferredUnpaid(
  db: Db,
  opts: { merchantId: string; paymentId: string; reason: string; message: string; at: Date },
): Promise<boolean> {
  const run = async (tx: Prisma.TransactionClient) => {
    const failed = await tx.payment.updateMany({
      where: {
        id: opts.paymentId,
        merchantId: opts.merchantId,
        status: "VERIFIED",
        settlementPolicy: "DEFERRED",
      },
      data: {
        status: "FAILED",
        errorReason: opts.reason,
        errorMessage: opts.message,
        failedAt: opts.at,
        nextSettleAt: null,
      },
    });
    if (failed.count === 0) return false;
    const payment = await tx.payment.findUniqueOrThrow({
      where: { id: opts.paymentId },
      select: {
        ruleId: true,
        payer: true,
        amountAtomic: true,
        asset: true,
        network: true,
        requestId: true,
        resource: true,
        deferredSettlement: true,
      },
    });
    const usage = queuedUsageOf(payment.deferredSettlement);
    await tx.usageRecord.create({
      data: paymentUsageRow({
        merchantId: opts.merchantId,
        paymentId: opts.paymentId,
        payment,
        usage,
        status: "UNPAID",
        reason: opts.reason,
      }),
    });
    await tx.payerFlag.create({
      data: {
        id: createId("payerFlag"),
        payer: payment.payer,
        merchantId: opts.merchantId,
        paymentId: opts.paymentId,
        reason: opts.reason,
      },
    });
    await enqueueWebhookEvent(tx, {
      merchantId: opts.merchantId,
      type: "payment.unpaid",
      eventId: `${opts.paymentId}:payment.unpaid`,
      data: {
        paymentId: opts.paymentId,
        payer: payment.payer,
        amountAtomic: payment.amountAtomic.toFixed(),
        asset: payment.asset,
        network: payment.network,
        resource: payment.resource,
        reason: opts.reason,
        message: opts.message,
      },
      at: opts.at,
    });
    return true;
  };
  if ("$transaction" in db) return db.$transaction(run);
  return run(db);
}
