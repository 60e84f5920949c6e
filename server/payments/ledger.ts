import type { BillingMode, Db, FacilitatorKind, SettlementPolicy } from "@/server/db";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import { insertJsonRowsSql, jsonArray, jsonRow } from "@/server/db/json-rows";
import { toAtomic } from "@/server/db/money";
import { feeVersionInForce, platformFeeFor, type FeeVersion } from "@/server/billing/fee-templates";
import { grantEntitlement, type GrantedEntitlement } from "@/server/entitlements/entitlements";
import { enqueueWebhookEvent, enqueueWebhookEvents } from "@/server/webhooks/webhooks";
import type { EncryptionKeys } from "@/server/crypto/secrets";

import { paidMerchantDirectly, sealedPaymentColumns } from "./sealed-payment";
import { USAGE_COLUMNS } from "./usage-writer";
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
  at: Date,
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
    createdAt: at,
    updatedAt: at,
  } satisfies Prisma.PaymentUncheckedCreateInput;
}

type ReservationRow = ReturnType<typeof reservationRow>;

/** Every reservation row has the same columns: the statement is built from the first one, once. */
let insertReservationsSql: string | undefined;

/**
 * Inserts reservation rows in one statement and resolves with the ids inserted. A row whose
 * authorization or payment identifier is already reserved inserts nothing, and inside a caller's
 * transaction the clash does not abort it.
 */
export async function insertReservations(db: Db, rows: ReservationRow[]): Promise<Set<string>> {
  const [first] = rows;
  if (!first) return new Set();
  insertReservationsSql ??= insertJsonRowsSql("Payment", Object.keys(first), {
    onConflictDoNothing: true,
    returning: ["id"],
  });
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    insertReservationsSql,
    jsonArray(rows.map(jsonRow)),
  );
  return new Set(inserted.map((r) => r.id));
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
  const row = reservationRow(input, keys, paymentId, input.settlementPolicy, new Date());
  // a clash on either unique key inserts nothing; the row that holds the key then says which one
  if ((await insertReservations(db, [row])).has(paymentId))
    return { ok: true, paymentId, settlementPolicy: input.settlementPolicy };
  const identifierTaken =
    input.paymentIdentifier !== null &&
    input.paymentIdentifier !== undefined &&
    (await db.payment.count({
      where: { merchantId: input.merchantId, paymentIdentifier: input.paymentIdentifier },
    })) > 0;
  return { ok: false, reason: identifierTaken ? "payment_identifier_reused" : "payment_replayed" };
}

/** Marks a reserved payment as verified by the facilitator. */
export async function markPaymentVerified(
  db: Db,
  opts: { merchantId: string; paymentId: string; at: Date },
): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE "Payment" SET "status" = 'VERIFIED', "verifiedAt" = $3::timestamp(3), "updatedAt" = $4::timestamp(3)
     WHERE "id" = $1 AND "merchantId" = $2 AND "status" = 'PENDING'`,
    opts.paymentId,
    opts.merchantId,
    opts.at.toISOString(),
    new Date().toISOString(),
  );
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
    tx: Db,
  ): Promise<{ recorded: boolean; entitlement: GrantedEntitlement | null }> => {
    const [settled] = await tx.$queryRawUnsafe<SettledRow[]>(
      SETTLE_AND_READ_SQL,
      opts.paymentId,
      opts.merchantId,
      // a metered call that used nothing settles without a transaction
      opts.txHash ? opts.txHash.toLowerCase() : null,
      opts.blockNumber === null ? null : opts.blockNumber.toString(),
      opts.at.toISOString(),
      opts.refundDue ?? null,
      opts.receipt ? JSON.stringify(opts.receipt) : null,
      new Date().toISOString(),
    );
    if (!settled) return { recorded: false, entitlement: null };
    const payment = {
      ruleId: settled.ruleId,
      payer: settled.payer,
      amountAtomic: new Prisma.Decimal(settled.amountAtomic),
      asset: settled.asset,
      network: settled.network,
      requestId: settled.requestId,
      resource: settled.resource,
    };
    const usage =
      opts.usage ??
      queuedUsageOf(settled.deferredSettlement ? JSON.parse(settled.deferredSettlement) : null);
    const usageRow = {
      ...paymentUsageRow({
        merchantId: opts.merchantId,
        paymentId: opts.paymentId,
        payment,
        usage,
        status: "CHARGED",
        reason: opts.refundDue ? "refund_due" : usage ? null : "reconciled",
      }),
      createdAt: opts.at,
    };
    const entries = settlementEntryRows({
      merchantId: opts.merchantId,
      paymentId: opts.paymentId,
      payment: { ...payment, amountAtomic: toAtomic(payment.amountAtomic) },
      direct: paidMerchantDirectly(
        {
          payToCiphertext: settled.payToCiphertext,
          payToKeyId: settled.payToKeyId,
          merchant: {
            payoutAddressCiphertext: settled.payoutAddressCiphertext,
            payoutAddressKeyId: settled.payoutAddressKeyId,
          },
        },
        keys,
      ),
      at: opts.at,
      fee:
        settled.feeVersionId && settled.feeTemplateId && settled.bps !== null
          ? {
              versionId: settled.feeVersionId,
              templateId: settled.feeTemplateId,
              bps: settled.bps,
              fixedFeeAtomic: BigInt(settled.fixedFeeAtomic ?? "0"),
            }
          : null,
    });
    // the CHARGED usage row and the ledger entries in one statement
    await tx.$executeRawUnsafe(
      RECORD_CHARGE_SQL,
      jsonArray([jsonRow(usageRow)]),
      jsonArray(entries.map(jsonRow)),
    );
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
      endpoints: JSON.parse(settled.endpoints) as { id: string; events: string[] }[],
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
      payment.ruleId && settled.billingMode
        ? await grantEntitlement(tx, {
            merchantId: opts.merchantId,
            ruleId: payment.ruleId,
            paymentId: opts.paymentId,
            payer: payment.payer,
            rule: {
              billingMode: settled.billingMode,
              bundleSize: settled.bundleSize,
              passDurationSeconds: settled.passDurationSeconds,
            },
            at: opts.at,
          })
        : null;
    return { recorded: true, entitlement };
  };
  if ("$transaction" in db) return db.$transaction(run);
  return run(db);
}

/** What SETTLE_AND_READ_SQL returns of a payment it settled. */
type SettledRow = {
  ruleId: string | null;
  payer: string;
  amountAtomic: string;
  asset: string;
  network: string;
  requestId: string;
  resource: string;
  payToCiphertext: string;
  payToKeyId: string;
  /** JSON text */
  deferredSettlement: string | null;
  payoutAddressCiphertext: string;
  payoutAddressKeyId: string;
  billingMode: BillingMode | null;
  bundleSize: number | null;
  passDurationSeconds: number | null;
  feeVersionId: string | null;
  feeTemplateId: string | null;
  bps: number | null;
  fixedFeeAtomic: string | null;
  /** JSON text: the merchant's enabled webhook endpoints, [{ id, events }] */
  endpoints: string;
};

// Settles a PENDING or VERIFIED payment and reads, in the same statement, all that recording it
// needs: its merchant's payout address (DIRECT or not), its rule (a bundle or pass to grant), the
// fee version in force at settlement (the merchant's own template when it has terms in force, else
// the default template's: feeVersionInForce in server/billing/fee-templates.ts says the same in
// Prisma) and the merchant's enabled webhook endpoints. One round trip instead of six while the
// transaction holds its connection. $1 payment, $2 merchant, $3 tx hash, $4 block, $5 settled at,
// $6 refund reason, $7 receipt (JSON), $8 updatedAt; times are ISO strings read as UTC.
const SETTLE_AND_READ_SQL = `
WITH settled AS (
  UPDATE "Payment" SET
    "status" = 'SETTLED', "txHash" = $3, "blockNumber" = $4::bigint, "settledAt" = $5::timestamp(3),
    "errorReason" = NULL, "errorMessage" = NULL, "refundDueReason" = $6, "nextSettleAt" = NULL,
    "receipt" = COALESCE($7::jsonb, "receipt"), "updatedAt" = $8::timestamp(3)
  WHERE "id" = $1 AND "merchantId" = $2 AND "status" IN ('PENDING', 'VERIFIED')
  RETURNING "id", "merchantId", "ruleId", "payer", "amountAtomic", "asset", "network", "requestId",
    "resource", "payToCiphertext", "payToKeyId", "deferredSettlement"
)
SELECT s."ruleId", s."payer", s."amountAtomic"::text AS "amountAtomic", s."asset", s."network",
  s."requestId", s."resource", s."payToCiphertext", s."payToKeyId",
  s."deferredSettlement"::text AS "deferredSettlement",
  m."payoutAddressCiphertext", m."payoutAddressKeyId",
  r."billingMode"::text AS "billingMode", r."bundleSize", r."passDurationSeconds",
  fee."id" AS "feeVersionId", fee."templateId" AS "feeTemplateId", fee."bps",
  fee."fixedFeeAtomic"::text AS "fixedFeeAtomic",
  COALESCE((
    SELECT json_agg(json_build_object('id', e."id", 'events', e."events"))
    FROM "WebhookEndpoint" e WHERE e."merchantId" = s."merchantId" AND e."enabled"
  )::text, '[]') AS "endpoints"
FROM settled s
JOIN "Merchant" m ON m."id" = s."merchantId"
LEFT JOIN "PricingRule" r ON r."id" = s."ruleId" AND r."merchantId" = s."merchantId"
LEFT JOIN LATERAL (
  SELECT v."id", v."templateId", v."bps", v."fixedFeeAtomic"
  FROM "FeeTemplateVersion" v
  WHERE v."effectiveFrom" <= $5::timestamp(3) AND v."templateId" = COALESCE(
    (SELECT o."templateId" FROM "FeeTemplateVersion" o
      WHERE o."templateId" = m."feeTemplateId" AND o."effectiveFrom" <= $5::timestamp(3) LIMIT 1),
    (SELECT t."id" FROM "FeeTemplate" t WHERE t."isDefault" ORDER BY t."updatedAt" DESC LIMIT 1))
  ORDER BY v."effectiveFrom" DESC
  LIMIT 1
) fee ON true`;

const LEDGER_ENTRY_COLUMNS = [
  "id",
  "merchantId",
  "type",
  "amountAtomic",
  "network",
  "asset",
  "paymentId",
  "reason",
  "createdAt",
] as const;

const INSERT_LEDGER_ENTRIES_SQL = insertJsonRowsSql("LedgerEntry", LEDGER_ENTRY_COLUMNS);

// $1 the usage row (the access log's columns; a charged row names no entitlement), $2 the ledger
// entries (JSON arrays)
const RECORD_CHARGE_SQL = `WITH usage AS (${insertJsonRowsSql("UsageRecord", USAGE_COLUMNS)})
${insertJsonRowsSql("LedgerEntry", LEDGER_ENTRY_COLUMNS, { param: 2 })}`;

type LedgerEntryRow = Record<(typeof LEDGER_ENTRY_COLUMNS)[number], unknown>;

/**
 * The ledger entries of a settled payment, from the merchant's point of view (pure): the CHARGE, the
 * platform's fee (the fee version in force at settlement), and — when the payer paid the merchant's
 * own wallet (DIRECT) — a PAYOUT of the whole amount, since that money never sat with the platform.
 * What the platform owes a merchant is then always the sum of its entries.
 */
export function settlementEntryRows(opts: {
  merchantId: string;
  paymentId: string;
  at: Date;
  direct: boolean;
  payment: { amountAtomic: bigint; network: string; asset: string };
  fee: FeeVersion | null;
}): LedgerEntryRow[] {
  const { payment, fee: version } = opts;
  const entry = (
    type: "CHARGE" | "PLATFORM_FEE" | "PAYOUT",
    amountAtomic: bigint,
    reason: string | null,
  ): LedgerEntryRow => ({
    id: createId("ledgerEntry"),
    merchantId: opts.merchantId,
    type,
    amountAtomic,
    network: payment.network,
    asset: payment.asset,
    paymentId: opts.paymentId,
    reason,
    createdAt: opts.at,
  });
  const amount = payment.amountAtomic;
  const entries = [entry("CHARGE", amount, null)];
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
  return entries;
}

/** Writes a settled payment's ledger entries (settlementEntryRows), with the fee version in force at `at`. */
export async function writeSettlementEntries(
  tx: Db,
  opts: {
    merchantId: string;
    paymentId: string;
    at: Date;
    direct: boolean;
    payment: { amountAtomic: Prisma.Decimal; network: string; asset: string };
    feeTemplateId?: string | null;
  },
): Promise<void> {
  const fee = await feeVersionInForce(tx, {
    merchantId: opts.merchantId,
    at: opts.at,
    feeTemplateId: opts.feeTemplateId,
  });
  const entries = settlementEntryRows({
    ...opts,
    payment: { ...opts.payment, amountAtomic: toAtomic(opts.payment.amountAtomic) },
    fee,
  });
  await tx.$executeRawUnsafe(INSERT_LEDGER_ENTRIES_SQL, jsonArray(entries.map(jsonRow)));
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
