import { parseEventLogs, type Hash } from "viem";
import { z } from "zod";

import { vmsg } from "@/server/i18n/validation-keys";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { ChainClientRegistry } from "@/server/chain/clients";
import type { EncryptionKeys } from "@/server/crypto/secrets";
import {
  sendStoredTreasuryTransfer,
  treasuryAddress,
  unconfirmedReason,
} from "@/server/chain/treasury";
import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { toAtomic } from "@/server/db/money";
import { AppError, fieldError } from "@/server/errors";
import { ERC20_TRANSFER_EVENTS } from "@/server/facilitator/receipt";
import {
  directPaymentSelect,
  openPayTo,
  paidMerchantDirectly,
} from "@/server/payments/sealed-payment";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";

// Refunds of settled payments, fully or partly, with a reason. Where the money sits decides how:
// - PLATFORM mode (the payer paid the treasury): the treasury sends the tokens back on chain; the
//   refund completes when that transfer confirms (signed and stored before broadcast, like payouts).
// - DIRECT mode (the payer paid the merchant's wallet): the refund is recorded as owed by the
//   merchant, who sends it from its own wallet and pastes the transaction hash; we check on chain
//   that it moved at least the amount of the payment's token to the payer before completing it.
// A completed refund writes its REFUND ledger entry, raises the payment's refunded amount (REFUNDED
// once fully refunded) and revokes the bundle or pass the payment bought, in one transaction.

export type RefundDeps = {
  db: PrismaClient;
  env: EncryptionKeys;
  chains: ChainClientRegistry;
  treasuryKey: `0x${string}` | undefined;
  now: () => Date;
};

export const createRefundInput = z.object({
  paymentId: z.string().trim().min(1, vmsg("billing.enterPaymentId")).max(64),
  /** atomic units as a decimal string; empty for everything not yet refunded */
  amountAtomic: z.string().trim().regex(/^\d*$/, vmsg("common.wholeAtomicUnits")).optional(),
  reason: z.string().trim().min(3, vmsg("common.sayWhy")).max(500),
});

export const submitRefundTxInput = z.object({
  refundId: z.string().trim().min(1).max(64),
  txHash: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{64}$/, vmsg("billing.txHash"))
    .transform((v) => v.toLowerCase()),
});

export type RefundDto = {
  id: string;
  merchantId: string;
  paymentId: string | null;
  amountAtomic: string;
  network: string;
  asset: string;
  /** REJECTED is a correction's status (server/billing/corrections.ts); a refund never has it */
  status: "PENDING" | "COMPLETED" | "FAILED" | "REJECTED";
  reason: string;
  /** who sends the tokens back: the treasury (PLATFORM) or the merchant's own wallet (DIRECT) */
  paidBy: "treasury" | "merchant";
  txHash: string | null;
  errorReason: string | null;
  createdAt: Date;
};

const refundSelect = {
  id: true,
  merchantId: true,
  paymentId: true,
  amountAtomic: true,
  network: true,
  asset: true,
  status: true,
  reason: true,
  signedTx: true,
  txHash: true,
  errorReason: true,
  createdAt: true,
  payment: { select: directPaymentSelect },
} as const satisfies Prisma.AdjustmentSelect;

function toDto(
  row: Prisma.AdjustmentGetPayload<{ select: typeof refundSelect }>,
  keys: EncryptionKeys,
): RefundDto {
  const { payment, signedTx, amountAtomic, ...rest } = row;
  const direct = payment ? paidMerchantDirectly(payment, keys) : false;
  return {
    ...rest,
    paymentId: rest.paymentId,
    amountAtomic: amountAtomic.toFixed(),
    paidBy: direct && !signedTx ? "merchant" : "treasury",
  };
}

export async function listRefunds(
  deps: { db: PrismaClient; env: EncryptionKeys },
  opts: { merchantId?: string; limit?: number } = {},
): Promise<RefundDto[]> {
  const rows = await deps.db.adjustment.findMany({
    where: { kind: "REFUND", ...(opts.merchantId ? { merchantId: opts.merchantId } : {}) },
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 100,
    select: refundSelect,
  });
  return rows.map((row) => toDto(row, deps.env));
}

/**
 * Opens a refund. `merchantId` scopes the payment to a merchant (the console); admins pass none.
 * PLATFORM-mode refunds are sent at once and returned completed (or failed with the reason).
 */
export async function createRefund(
  deps: RefundDeps,
  opts: { merchantId?: string; actor: AuditActor; input: z.infer<typeof createRefundInput> },
): Promise<RefundDto> {
  const payment = await deps.db.payment.findFirst({
    where: {
      id: opts.input.paymentId,
      ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
    },
    select: {
      id: true,
      merchantId: true,
      status: true,
      amountAtomic: true,
      refundedAmountAtomic: true,
      network: true,
      asset: true,
      payer: true,
      ...directPaymentSelect,
    },
  });
  if (!payment) throw fieldError("paymentId", vmsg("refunds.noPayment"));
  if (payment.status !== "SETTLED")
    throw fieldError(
      "paymentId",
      payment.status === "REFUNDED"
        ? vmsg("refunds.alreadyRefunded")
        : vmsg("refunds.onlySettled", { status: payment.status }),
    );
  const treasury = treasuryAddress(deps.treasuryKey)?.toLowerCase() ?? null;
  const direct = paidMerchantDirectly(payment, deps.env);
  if (!direct && openPayTo(payment, deps.env).toLowerCase() !== treasury) {
    throw new AppError(
      "service_unavailable",
      "This payment was paid to a treasury whose key this deployment does not hold; it cannot be refunded from here",
    );
  }

  const refund = await deps.db.$transaction(async (tx) => {
    // refunds of one payment are opened one at a time, so two can never both fit the remainder
    await tx.$queryRaw`SELECT id FROM "Payment" WHERE id = ${payment.id} FOR UPDATE`;
    const open = await tx.adjustment.aggregate({
      where: { paymentId: payment.id, kind: "REFUND", status: { in: ["PENDING", "COMPLETED"] } },
      _sum: { amountAtomic: true },
    });
    const remaining =
      toAtomic(payment.amountAtomic) -
      (open._sum.amountAtomic ? toAtomic(open._sum.amountAtomic) : 0n);
    const amount = opts.input.amountAtomic ? BigInt(opts.input.amountAtomic) : remaining;
    if (amount <= 0n)
      throw fieldError(
        "amountAtomic",
        remaining <= 0n ? vmsg("refunds.nothingLeft") : vmsg("refunds.amountAboveZero"),
      );
    if (amount > remaining)
      throw fieldError(
        "amountAtomic",
        vmsg("refunds.atMostRemaining", {
          remaining: String(remaining),
          paid: String(toAtomic(payment.amountAtomic)),
        }),
      );
    const created = await tx.adjustment.create({
      data: {
        id: createId("adjustment"),
        merchantId: payment.merchantId,
        kind: "REFUND",
        paymentId: payment.id,
        amountAtomic: new Prisma.Decimal(amount.toString()),
        network: payment.network,
        asset: payment.asset,
        reason: opts.input.reason,
        createdById: opts.actor.userId ?? null,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: payment.merchantId,
      action: "refund.create",
      targetType: "payment",
      targetId: payment.id,
      after: {
        refundId: created.id,
        amountAtomic: amount,
        reason: opts.input.reason,
        paidBy: direct ? "merchant" : "treasury",
      },
    });
    return created;
  });

  if (!direct) await sendTreasuryRefund(deps, { refundId: refund.id, to: payment.payer });
  return toDto(
    await deps.db.adjustment.findUniqueOrThrow({ where: { id: refund.id }, select: refundSelect }),
    deps.env,
  );
}

/** Sends (or resumes sending) a PLATFORM-mode refund from the treasury; completes it on confirmation. */
export async function sendTreasuryRefund(
  deps: RefundDeps,
  opts: { refundId: string; to: string },
): Promise<void> {
  const refund = await deps.db.adjustment.findUniqueOrThrow({
    where: { id: opts.refundId },
    select: {
      id: true,
      status: true,
      amountAtomic: true,
      network: true,
      asset: true,
      signedTx: true,
      txHash: true,
    },
  });
  if (refund.status !== "PENDING") return;
  const landed = await sendStoredTreasuryTransfer(
    { chains: deps.chains, treasuryKey: deps.treasuryKey },
    {
      stored: refund,
      transfer: {
        network: refund.network,
        asset: refund.asset,
        to: opts.to,
        amountAtomic: toAtomic(refund.amountAtomic),
      },
      store: async (signed) => {
        await deps.db.adjustment.update({
          where: { id: refund.id },
          data: { signedTx: signed.signedTx, txHash: signed.txHash },
        });
      },
    },
  );
  if (!("kind" in landed) || landed.kind !== "confirmed") {
    // nothing moved: the hash is freed so another refund transfer may use the row's place
    await deps.db.adjustment.update({
      where: { id: refund.id },
      data: { status: "FAILED", errorReason: unconfirmedReason(landed), txHash: null },
    });
    return;
  }
  await completeRefund(deps.db, {
    refundId: refund.id,
    txHash: landed.txHash,
    paidBy: "treasury",
    at: deps.now(),
  });
}

/**
 * DIRECT mode: the merchant sent the refund from its own wallet. The transaction must have
 * succeeded and moved at least the refund's amount of the payment's token to the payer.
 */
export async function submitDirectRefundTx(
  deps: RefundDeps,
  opts: { merchantId?: string; actor: AuditActor; input: z.infer<typeof submitRefundTxInput> },
): Promise<RefundDto> {
  const refund = await deps.db.adjustment.findFirst({
    where: {
      id: opts.input.refundId,
      kind: "REFUND",
      ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
    },
    select: {
      id: true,
      merchantId: true,
      status: true,
      amountAtomic: true,
      network: true,
      asset: true,
      signedTx: true,
      payment: { select: { payer: true } },
    },
  });
  if (!refund?.payment) throw new AppError("not_found", "No refund has this id");
  if (refund.status !== "PENDING" || refund.signedTx)
    throw fieldError("txHash", vmsg("refunds.notAwaitingTx"));
  const used = await deps.db.adjustment.findUnique({
    where: { txHash: opts.input.txHash },
    select: { id: true },
  });
  if (used) throw fieldError("txHash", vmsg("refunds.txUsed"));

  const client = deps.chains.forNetwork(refund.network)?.publicClient;
  if (!client)
    throw new AppError("service_unavailable", `No RPC is configured for ${refund.network}`);
  const receipt = await client
    .getTransactionReceipt({ hash: opts.input.txHash as Hash })
    .catch(() => null);
  if (!receipt) throw fieldError("txHash", vmsg("refunds.txNotMined"));
  if (receipt.status !== "success") throw fieldError("txHash", vmsg("refunds.txReverted"));
  const payer = refund.payment.payer.toLowerCase();
  const paid = parseEventLogs({
    abi: ERC20_TRANSFER_EVENTS,
    eventName: "Transfer",
    logs: receipt.logs,
  })
    .filter(
      (log) =>
        log.address.toLowerCase() === refund.asset.toLowerCase() &&
        (log.args as { to: string }).to.toLowerCase() === payer,
    )
    .reduce((sum, log) => sum + (log.args as { value: bigint }).value, 0n);
  const amount = toAtomic(refund.amountAtomic);
  if (paid < amount)
    throw fieldError(
      "txHash",
      paid === 0n
        ? vmsg("refunds.txPaysNone", { asset: refund.asset, payer })
        : vmsg("refunds.txPaysLess", { paid: String(paid), amount: String(amount) }),
    );

  await deps.db.$transaction(async (tx) => {
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: refund.merchantId,
      action: "refund.submit_tx",
      targetType: "refund",
      targetId: refund.id,
      after: { txHash: opts.input.txHash },
    });
  });
  await completeRefund(deps.db, {
    refundId: refund.id,
    txHash: opts.input.txHash,
    paidBy: "merchant",
    at: deps.now(),
  });
  return toDto(
    await deps.db.adjustment.findUniqueOrThrow({ where: { id: refund.id }, select: refundSelect }),
    deps.env,
  );
}

async function completeRefund(
  db: PrismaClient,
  opts: { refundId: string; txHash: string; paidBy: "treasury" | "merchant"; at: Date },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const done = await tx.adjustment.updateMany({
      where: { id: opts.refundId, status: "PENDING" },
      data: { status: "COMPLETED", txHash: opts.txHash, errorReason: null },
    });
    if (done.count === 0) return;
    const refund = await tx.adjustment.findUniqueOrThrow({
      where: { id: opts.refundId },
      select: {
        merchantId: true,
        paymentId: true,
        amountAtomic: true,
        network: true,
        asset: true,
        reason: true,
      },
    });
    const paymentId = refund.paymentId as string;
    const amount = toAtomic(refund.amountAtomic);
    const entry = (type: "REFUND" | "PAYOUT", signed: bigint, reason: string) => ({
      id: createId("ledgerEntry"),
      merchantId: refund.merchantId,
      type,
      amountAtomic: new Prisma.Decimal(signed.toString()),
      network: refund.network,
      asset: refund.asset,
      paymentId,
      adjustmentId: opts.refundId,
      reason,
      createdAt: opts.at,
    });
    // a refund from the merchant's own wallet also reverses that much of the direct payment it
    // received, so what the platform owes the merchant does not change
    const entries = [entry("REFUND", -amount, refund.reason)];
    if (opts.paidBy === "merchant")
      entries.push(entry("PAYOUT", amount, "refund sent from the merchant's own wallet"));
    await tx.ledgerEntry.createMany({ data: entries });
    const payment = await tx.payment.update({
      where: { id: paymentId },
      data: { refundedAmountAtomic: { increment: new Prisma.Decimal(amount.toString()) } },
      select: { amountAtomic: true, refundedAmountAtomic: true, payer: true },
    });
    if (toAtomic(payment.refundedAmountAtomic) >= toAtomic(payment.amountAtomic)) {
      await tx.payment.update({ where: { id: paymentId }, data: { status: "REFUNDED" } });
    }
    // what the payment bought ends with it
    await tx.entitlement.updateMany({
      where: { paymentId, revokedAt: null },
      data: { revokedAt: opts.at },
    });
    await enqueueWebhookEvent(tx, {
      merchantId: refund.merchantId,
      type: "payment.refunded",
      eventId: `${opts.refundId}:payment.refunded`,
      data: {
        paymentId,
        refundId: opts.refundId,
        amountAtomic: amount.toString(),
        asset: refund.asset,
        network: refund.network,
        payer: payment.payer,
        transaction: opts.txHash,
      },
      at: opts.at,
    });
  });
}
