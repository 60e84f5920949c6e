import type { Db, FacilitatorKind, SettlementPolicy } from "@/server/db";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import { toAtomic } from "@/server/db/money";
import { feeVersionInForce, platformFeeFor } from "@/server/billing/fee-templates";
import { grantEntitlement, type GrantedEntitlement } from "@/server/entitlements/entitlements";
import { enqueueWebhookEvent, enqueueWebhookEvents } from "@/server/webhooks/webhooks";
import type { EncryptionKeys } from "@/server/crypto/secrets";

import { directPaymentSelect, paidMerchantDirectly, sealedPaymentColumns } from "./sealed-payment";
import { SETTLEMENT_UNCLEAR } from "@/server/x402/settle-verdict";

// The payment ledger's state changes. Each is one short statement or transaction and none holds a
// transaction across a network call (STYLE 2.5): reserve → verify → proxy → settle → record.

export type ReservationInput = {
  merchantId: string;
  ruleId: string | null;
  x402Version: number;
  scheme: string;
  network: string;
  asset: string;
  payer: string;
  payTo: string;
  amountAtomic: bigint;
  requiredAmountAtomic: bigint;
  nonce: string;
  validAfter: bigint;
  validBefore: bigint;
  payloadEncoded: string;
  facilitator: FacilitatorKind;
  settlementPolicy: SettlementPolicy;
  resource: string;
  requestId: string;
  paymentIdentifier?: string | null;
};

/** The replay key of an EIP-3009 authorization: nonces are unique per (token, payer). */
export function reservationKeyOf(p: {
  network: string;
  asset: string;
  payer: string;
  nonce: string;
}): string {
  return `${p.network}:${p.asset.toLowerCase()}:${p.payer.toLowerCase()}:${p.nonce.toLowerCase()}`;
}

function unixToDate(seconds: bigint): Date {
  // validBefore may be far in the future (or max uint); clamp to what a timestamp column holds
  const max = 253402300799n; // 9999-12-31
  return new Date(Number(seconds > max ? max : seconds) * 1000);
}

/** The PENDING payment row that reserves `input`'s authorization (its destination and payload sealed). */
export function reservationRow(
  input: ReservationInput,
  keys: EncryptionKeys,
  paymentId: string,
  settlementPolicy: SettlementPolicy,
) {
  return {
    id: paymentId,
    merchantId: input.merchantId,
    ruleId: input.ruleId,
    status: "PENDING",
    x402Version: input.x402Version,
    scheme: input.scheme,
    network: input.network,
    asset: input.asset.toLowerCase(),
    payer: input.payer.toLowerCase(),
    ...sealedPaymentColumns(input, keys),
    amountAtomic: new Prisma.Decimal(input.amountAtomic.toString()),
    requiredAmountAtomic: new Prisma.Decimal(input.requiredAmountAtomic.toString()),
    authorizationNonce: input.nonce.toLowerCase(),
    validAfter: unixToDate(input.validAfter),
    validBefore: unixToDate(input.validBefore),
    reservationKey: reservationKeyOf(input),
    facilitator: input.facilitator,
    settlementPolicy,
    resource: input.resource,
    requestId: input.requestId,
    paymentIdentifier: input.paymentIdentifier ?? null,
  } satisfies Prisma.PaymentUncheckedCreateInput;
}

/**
 * Reserves an authorization for one request. The unique reservation key is the replay guard: of
 * concurrent requests carrying the same authorization exactly one insert succeeds. The destination
 * and the signed payload are stored sealed under `keys`.
 */
export async function reservePayment(
  db: Db,
  input: ReservationInput,
  keys: EncryptionKeys,
): Promise<
  | { ok: true; paymentId: string; settlementPolicy: SettlementPolicy }
  | { ok: false; reason: "payment_replayed" | "payment_identifier_reused" }
> {
  const paymentId = createId("payment");
  const insert = (tx: Db, settlementPolicy: SettlementPolicy) =>
    tx.payment.create({
      data: reservationRow(input, keys, paymentId, settlementPolicy),
      select: { id: true },
    });
  try {
    await insert(db, input.settlementPolicy);
    return { ok: true, paymentId, settlementPolicy: input.settlementPolicy };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const target = JSON.stringify(err.meta ?? {});
      return {
        ok: false,
        reason: target.includes("paymentIdentifier")
          ? "payment_identifier_reused"
          : "payment_replayed",
      };
    }
    throw err;
  }
}

/** Marks a reserved payment as verified by the facilitator. */
export async function markPaymentVerified(
  db: Db,
  opts: { merchantId: string; paymentId: string; at: Date },
): Promise<void> {
  await db.payment.updateMany({
    where: { id: opts.paymentId, merchantId: opts.merchantId, status: "PENDING" },
    data: { status: "VERIFIED", verifiedAt: opts.at },
  });
}

/**
 * A metered (upto) call's charge, known once the upstream answered: the payment was reserved at its
 * ceiling and is recorded, settled and booked at this amount.
 */
export async function setMeteredAmount(
  db: Db,
  opts: { merchantId: string; paymentId: string; amountAtomic: bigint },
): Promise<void> {
  await db.payment.updateMany({
    where: {
      id: opts.paymentId,
      merchantId: opts.merchantId,
      status: { in: ["PENDING", "VERIFIED"] },
    },
    data: { amountAtomic: new Prisma.Decimal(opts.amountAtomic.toString()) },
  });
}

/**
 * Releases a reservation without charging: the payment becomes FAILED with its reason and the
 * authorization may be presented again (its reservation key is cleared).
 */
export async function releasePayment(
  db: Db,
  opts: { merchantId: string; paymentId: string; reason: string; message?: string; at: Date },
): Promise<void> {
  const run = async (tx: Prisma.TransactionClient) => {
    const released = await tx.payment.updateMany({
      where: {
        id: opts.paymentId,
        merchantId: opts.merchantId,
        status: { in: ["PENDING", "VERIFIED"] },
      },
      // nothing was charged: the authorization and the client's payment identifier may be used again
      data: {
        status: "FAILED",
        reservationKey: null,
        paymentIdentifier: null,
        errorReason: opts.reason,
        errorMessage: opts.message ?? null,
        failedAt: opts.at,
      },
    });
    if (released.count === 1) {
      await enqueueWebhookEvent(tx, {
        merchantId: opts.merchantId,
        type: "payment.failed",
        eventId: `${opts.paymentId}:payment.failed`,
        data: { paymentId: opts.paymentId, reason: opts.reason },
        at: opts.at,
      });
    }
  };
  if ("$transaction" in db) await db.$transaction(run);
  else await run(db);
}

/**
 * A settlement whose outcome the request could not prove (the facilitator threw, timed out, or the
 * receipt is missing): the payment stays VERIFIED with its reservation key (the authorization must
 * not buy another call while it may still land), marked unclear, with the usage of the call it was
 * for. The reconciler resolves it from the chain (server/payments/reconcile.ts).
 */
export async function markSettlementUnclear(
  db: Db,
  opts: { merchantId: string; paymentId: string; message: string; usage: ChargedUsage; at: Date },
): Promise<void> {
  await db.payment.updateMany({
    where: {
      id: opts.paymentId,
      merchantId: opts.merchantId,
      status: { in: ["PENDING", "VERIFIED"] },
    },
    data: {
      status: "VERIFIED",
      errorReason: SETTLEMENT_UNCLEAR,
      errorMessage: opts.message.slice(0, 1000),
      // the reconciler books the charge with this call's usage (recordSettlement reads it when usage is null)
      deferredSettlement: { usage: opts.usage } as unknown as Prisma.InputJsonValue,
    },
  });
}

export type ChargedUsage = {
  requestId: string;
  method: string;
  path: string;
  httpStatus: number;
  upstreamStatus: number | null;
  latencyMs: number;
  upstreamLatencyMs: number | null;
  clientIp: string | null;
};

/** The response a paid call got, kept for retries that carry the same payment identifier. */
export type RecordedOutcome = {
  status: number;
  headers: Record<string, string | string[]>;
  /** null when the body was too large to keep */
  body: Buffer | null;
  paymentResponse: { name: string; value: string };
};

export function outcomeRow(merchantId: string, paymentId: string, outcome: RecordedOutcome) {
  return {
    paymentId,
    merchantId,
    status: outcome.status,
    headers: outcome.headers,
    body: outcome.body ? new Uint8Array(outcome.body) : null,
    paymentResponseName: outcome.paymentResponse.name,
    paymentResponseValue: outcome.paymentResponse.value,
  };
}

/**
 * Records a settlement: the payment becomes SETTLED with its transaction, and its CHARGED usage
 * record and CHARGE ledger entry are written in the same transaction, so no settled payment ever
 * exists without its records. Idempotent: a second call for a SETTLED payment changes nothing.
 * `usage` null takes the usage a deferred payment was queued with (or a reconciled placeholder);
 * `refundDue` says why the payer is owed a refund (settled before an upstream call that failed).
 */
export async function recordSettlement(
  db: Db,
  keys: EncryptionKeys,
  opts: {
    merchantId: string;
    paymentId: string;
    txHash: string;
    blockNumber: bigint | null;
    at: Date;
    usage: ChargedUsage | null;
    outcome?: RecordedOutcome | null;
    refundDue?: string | null;
    /** the `offer-receipt` receipt the answer carries (server/receipts/) */
    receipt?: Prisma.InputJsonObject | null;
  },
): Promise<{ recorded: boolean; entitlement: GrantedEntitlement | null }> {
  const run = async (
    tx: Prisma.TransactionClient,
  ): Promise<{ recorded: boolean; entitlement: GrantedEntitlement | null }> => {
    const updated = await tx.payment.updateMany({
      where: {
        id: opts.paymentId,
        merchantId: opts.merchantId,
        status: { in: ["PENDING", "VERIFIED"] },
      },
      data: {
        status: "SETTLED",
        // a metered call that used nothing settles without a transaction
        txHash: opts.txHash ? opts.txHash.toLowerCase() : null,
        blockNumber: opts.blockNumber,
        settledAt: opts.at,
        errorReason: null,
        errorMessage: null,
        refundDueReason: opts.refundDue ?? null,
        nextSettleAt: null,
        ...(opts.receipt ? { receipt: opts.receipt } : {}),
      },
    });
    if (updated.count === 0) return { recorded: false, entitlement: null };
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
        ...directPaymentSelect,
        deferredSettlement: true,
        rule: { select: { billingMode: true, bundleSize: true, passDurationSeconds: true } },
        merchant: {
          select: { ...directPaymentSelect.merchant.select, feeTemplateId: true },
        },
      },
    });
    const usage = opts.usage ?? queuedUsageOf(payment.deferredSettlement);
    await tx.usageRecord.create({
      data: paymentUsageRow({
        merchantId: opts.merchantId,
        paymentId: opts.paymentId,
        payment,
        usage,
        status: "CHARGED",
        reason: opts.refundDue ? "refund_due" : usage ? null : "reconciled",
      }),
    });
    await writeSettlementEntries(tx, {
      merchantId: opts.merchantId,
      paymentId: opts.paymentId,
      payment,
      direct: paidMerchantDirectly(payment, keys),
      at: opts.at,
      feeTemplateId: payment.merchant.feeTemplateId,
    });
    // the merchant's webhooks hear of it in the same transaction: a settled payment is never unannounced
    const event = {
      paymentId: opts.paymentId,
      payer: payment.payer,
      amountAtomic: payment.amountAtomic.toFixed(),
      asset: payment.asset,
      network: payment.network,
      transaction: opts.txHash.toLowerCase(),
      resource: payment.resource,
    };
    const requestId = usage?.requestId ?? payment.requestId;
    await enqueueWebhookEvents(tx, {
      merchantId: opts.merchantId,
      at: opts.at,
      requestId,
      events: [
        { type: "payment.settled", eventId: `${opts.paymentId}:payment.settled`, data: event },
        {
          type: "usage.charged",
          eventId: `${opts.paymentId}:usage.charged`,
          data: { ...event, path: usage?.path ?? null, status: usage?.httpStatus ?? null },
        },
        ...(opts.refundDue
          ? [
              {
                type: "payment.refundable" as const,
                eventId: `${opts.paymentId}:payment.refundable`,
                data: { ...event, reason: opts.refundDue },
              },
            ]
          : []),
      ],
    });
    if (opts.outcome)
      await tx.paymentOutcome.create({
        data: outcomeRow(opts.merchantId, opts.paymentId, opts.outcome),
      });
    // a bundle or a time pass is bought by this payment: its entitlement commits with it
    const entitlement =
      payment.ruleId && payment.rule
        ? await grantEntitlement(tx, {
            merchantId: opts.merchantId,
            ruleId: payment.ruleId,
            paymentId: opts.paymentId,
            payer: payment.payer,
            rule: payment.rule,
            at: opts.at,
          })
        : null;
    return { recorded: true, entitlement };
  };
  if ("$transaction" in db) return db.$transaction(run);
  return run(db);
}

/**
 * The ledger entries of a settled payment, from the merchant's point of view: the CHARGE, the
 * platform's fee (the fee version in force at settlement), and — when the payer paid the merchant's
 * own wallet (DIRECT) — a PAYOUT of the whole amount, since that money never sat with the platform.
 * What the platform owes a merchant is then always the sum of its entries.
 */
export async function writeSettlementEntries(
  tx: Prisma.TransactionClient,
  opts: {
    merchantId: string;
    paymentId: string;
    at: Date;
    direct: boolean;
    payment: { amountAtomic: Prisma.Decimal; network: string; asset: string };
    feeTemplateId?: string | null;
  },
): Promise<void> {
  const { payment } = opts;
  const entry = (
    type: "CHARGE" | "PLATFORM_FEE" | "PAYOUT",
    amountAtomic: bigint,
    reason: string | null,
  ) => ({
    id: createId("ledgerEntry"),
    merchantId: opts.merchantId,
    type,
    amountAtomic: new Prisma.Decimal(amountAtomic.toString()),
    network: payment.network,
    asset: payment.asset,
    paymentId: opts.paymentId,
    reason,
    createdAt: opts.at,
  });
  const amount = toAtomic(payment.amountAtomic);
  const entries = [entry("CHARGE", amount, null)];
  const version = await feeVersionInForce(tx, {
    merchantId: opts.merchantId,
    at: opts.at,
    feeTemplateId: opts.feeTemplateId,
  });
  const fee = version ? platformFeeFor(amount, version) : 0n;
  if (version && fee > 0n)
    entries.push(
      entry(
        "PLATFORM_FEE",
        -fee,
        `fee version ${version.versionId}: ${version.bps} bps + ${version.fixedFeeAtomic}`,
      ),
    );
  if (opts.direct) entries.push(entry("PAYOUT", -amount, DIRECT_SETTLEMENT_REASON));
  await tx.ledgerEntry.createMany({ data: entries });
}

/** The reason on the PAYOUT entry of a DIRECT payment: the payer paid the merchant's wallet. */
export const DIRECT_SETTLEMENT_REASON = "paid directly to the merchant's wallet";

/** What a DEFERRED payment is queued with: enough to settle it later and record the served call. */
export type DeferredSettlement = { requirements: unknown; usage: ChargedUsage };

/** The call's usage a payment was queued (or left unclear) with, if any. */
export function queuedUsageOf(value: unknown): ChargedUsage | null {
  const usage = (value as { usage?: ChargedUsage } | null)?.usage;
  return usage && typeof usage.requestId === "string" ? usage : null;
}

type PaymentOfUsage = {
  ruleId: string | null;
  payer: string;
  amountAtomic: Prisma.Decimal;
  asset: string;
  network: string;
  requestId: string;
  resource: string;
};

/**
 * The one usage row of a call tied to a payment (CHARGED when it settled, UNPAID when a deferred one
 * never can): the call's own usage when known, else what the payment row says of it.
 */
export function paymentUsageRow(opts: {
  merchantId: string;
  paymentId: string;
  payment: PaymentOfUsage;
  usage: ChargedUsage | null;
  status: "CHARGED" | "UNPAID";
  reason: string | null;
}) {
  const { payment, usage } = opts;
  return {
    id: createId("usage"),
    merchantId: opts.merchantId,
    ruleId: payment.ruleId,
    paymentId: opts.paymentId,
    requestId: usage?.requestId ?? payment.requestId,
    status: opts.status,
    reason: opts.reason,
    method: usage?.method ?? "UNKNOWN",
    path: usage?.path ?? new URL(payment.resource).pathname,
    httpStatus: usage?.httpStatus ?? 0,
    upstreamStatus: usage?.upstreamStatus ?? null,
    latencyMs: usage?.latencyMs ?? 0,
    upstreamLatencyMs: usage?.upstreamLatencyMs ?? null,
    clientIp: usage?.clientIp ?? null,
    payer: payment.payer,
    amountAtomic: payment.amountAtomic,
    asset: payment.asset,
    network: payment.network,
  };
}

/** A payment a client identified with a payment identifier, and what a retry of it should get. */
export async function findIdentifiedPayment(
  db: Db,
  opts: { merchantId: string; paymentIdentifier: string },
) {
  return db.payment.findUnique({
    where: {
      merchantId_paymentIdentifier: {
        merchantId: opts.merchantId,
        paymentIdentifier: opts.paymentIdentifier,
      },
    },
    select: {
      id: true,
      status: true,
      payer: true,
      authorizationNonce: true,
      txHash: true,
      outcome: {
        select: {
          status: true,
          headers: true,
          body: true,
          paymentResponseName: true,
          paymentResponseValue: true,
        },
      },
    },
  });
}
