import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import type { ChainClientRegistry } from "@/server/chain/clients";
import { sendStoredTreasuryTransfer, unconfirmedReason } from "@/server/chain/treasury";
import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { toAtomic } from "@/server/db/money";
import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import { AppError, fieldError } from "@/server/errors";
import { openPayoutAddress } from "@/server/merchants/merchants";
import type { Log } from "@/server/observability/logger";
import { vmsg } from "@/server/i18n/validation-keys";

// Settlement runs pay PLATFORM-mode merchants what the platform holds for them: for a period, each
// merchant's balance (the sum of its ledger entries up to the period's end, less every payout
// already made) is sent from the treasury as an ERC-20 transfer and recorded as a PAYOUT entry.
// A run is one row per period (unique), so starting it twice resumes the same run; each payout is
// one row per (run, merchant, network, asset), signed and stored before it is broadcast, so a crash
// at any point is resumed without paying twice (server/chain/treasury.ts).

export type SettlementDeps = {
  db: PrismaClient;
  env: EncryptionKeys;
  chains: ChainClientRegistry;
  treasuryKey: `0x${string}` | undefined;
  log: Log;
  now: () => Date;
};

export const startSettlementRunInput = z
  .object({ periodStart: z.coerce.date(), periodEnd: z.coerce.date() })
  .refine((p) => p.periodStart < p.periodEnd, {
    message: vmsg("billing.periodOrder"),
    path: ["periodEnd"],
  });

export type PayoutDto = {
  id: string;
  merchantId: string;
  merchantName: string;
  amountAtomic: string;
  network: string;
  asset: string;
  toAddress: string;
  status: "PENDING" | "BROADCAST" | "CONFIRMED" | "FAILED";
  txHash: string | null;
  error: string | null;
};
export type SettlementRunDto = {
  id: string;
  periodStart: Date;
  periodEnd: Date;
  status: "RUNNING" | "COMPLETED" | "FAILED";
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
  payouts: PayoutDto[];
};

const runSelect = {
  id: true,
  periodStart: true,
  periodEnd: true,
  status: true,
  error: true,
  createdAt: true,
  completedAt: true,
  payouts: {
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      merchantId: true,
      amountAtomic: true,
      network: true,
      asset: true,
      toAddressCiphertext: true,
      toAddressKeyId: true,
      status: true,
      txHash: true,
      error: true,
      merchant: { select: { name: true } },
    },
  },
} as const satisfies Prisma.SettlementRunSelect;

/** A payout's destination, opened from its sealed column. */
export function openPayoutDestination(
  payout: { toAddressCiphertext: string; toAddressKeyId: string },
  keys: EncryptionKeys,
): string {
  return openSecret({ ciphertext: payout.toAddressCiphertext, keyId: payout.toAddressKeyId }, keys);
}

function toDto(
  run: Prisma.SettlementRunGetPayload<{ select: typeof runSelect }>,
  keys: EncryptionKeys,
): SettlementRunDto {
  return {
    ...run,
    payouts: run.payouts.map(
      ({ merchant, amountAtomic, toAddressCiphertext, toAddressKeyId, ...p }) => ({
        ...p,
        merchantName: merchant.name,
        amountAtomic: amountAtomic.toFixed(),
        toAddress: openPayoutDestination({ toAddressCiphertext, toAddressKeyId }, keys),
      }),
    ),
  };
}

export async function listSettlementRuns(
  deps: { db: PrismaClient; env: EncryptionKeys },
  opts: { limit?: number } = {},
): Promise<SettlementRunDto[]> {
  const runs = await deps.db.settlementRun.findMany({
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 20,
    select: runSelect,
  });
  return runs.map((run) => toDto(run, deps.env));
}

export async function getSettlementRun(
  deps: { db: PrismaClient; env: EncryptionKeys },
  opts: { runId: string },
): Promise<SettlementRunDto> {
  const run = await deps.db.settlementRun.findUnique({
    where: { id: opts.runId },
    select: runSelect,
  });
  if (!run) throw new AppError("not_found", "No settlement run has this id");
  return toDto(run, deps.env);
}

/**
 * Opens the run for a period (or returns the existing one: a period is settled once) and audits it.
 * Payouts are made by `processSettlementRun`.
 */
export async function startSettlementRun(
  deps: SettlementDeps,
  opts: { periodStart: Date; periodEnd: Date; actor: AuditActor },
): Promise<{ runId: string; created: boolean }> {
  if (opts.periodEnd.getTime() > deps.now().getTime())
    throw fieldError("periodEnd", vmsg("billing.periodNotEnded"));
  if (!deps.treasuryKey)
    throw new AppError(
      "service_unavailable",
      "TREASURY_PRIVATE_KEY is not set: the platform cannot pay merchants out",
    );
  const existing = await deps.db.settlementRun.findUnique({
    where: { periodStart_periodEnd: { periodStart: opts.periodStart, periodEnd: opts.periodEnd } },
    select: { id: true },
  });
  if (existing) return { runId: existing.id, created: false };
  try {
    const runId = await deps.db.$transaction(async (tx) => {
      const run = await tx.settlementRun.create({
        data: {
          id: createId("settlementRun"),
          periodStart: opts.periodStart,
          periodEnd: opts.periodEnd,
          createdById: opts.actor.userId ?? null,
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        actor: opts.actor,
        action: "settlement_run.start",
        targetType: "settlement_run",
        targetId: run.id,
        after: { periodStart: opts.periodStart, periodEnd: opts.periodEnd },
      });
      return run.id;
    });
    return { runId, created: true };
  } catch (err) {
    // another admin started the same period at the same moment: that run is this one
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const run = await deps.db.settlementRun.findUniqueOrThrow({
        where: {
          periodStart_periodEnd: { periodStart: opts.periodStart, periodEnd: opts.periodEnd },
        },
        select: { id: true },
      });
      return { runId: run.id, created: false };
    }
    throw err;
  }
}

type Payable = {
  merchantId: string;
  network: string;
  asset: string;
  amount: string;
  payoutAddressCiphertext: string;
  payoutAddressKeyId: string;
};

/** What each PLATFORM-mode merchant is owed for a period: its entries up to the end, less every payout. */
async function payableBalances(db: PrismaClient, periodEnd: Date): Promise<Payable[]> {
  return db.$queryRaw<Payable[]>`
    SELECT le."merchantId", le.network, le.asset, SUM(le."amountAtomic")::text AS amount, m."payoutAddressCiphertext", m."payoutAddressKeyId"
      FROM "LedgerEntry" le JOIN "Merchant" m ON m.id = le."merchantId"
     WHERE m."settlementMode" = 'PLATFORM' AND (le."createdAt" < ${periodEnd} OR le."payoutId" IS NOT NULL)
     GROUP BY le."merchantId", le.network, le.asset, m."payoutAddressCiphertext", m."payoutAddressKeyId"
    HAVING SUM(le."amountAtomic") > 0`;
}

export type RunProgress = {
  runId: string;
  status: "COMPLETED" | "FAILED";
  confirmed: number;
  failed: number;
  paidAtomic: string;
};

/**
 * Makes a run's payouts: creates the missing ones, signs and stores each before broadcasting it,
 * confirms it and records its PAYOUT entry with it. Resumable at any point; failed payouts (not
 * enough funds or gas, a transaction that reverted or was dropped) are retried by the next call.
 */
export async function processSettlementRun(
  deps: SettlementDeps & { afterBroadcast?: (payoutId: string) => Promise<void> },
  opts: { runId: string },
): Promise<RunProgress> {
  const run = await deps.db.settlementRun.findUnique({
    where: { id: opts.runId },
    select: { id: true, periodEnd: true },
  });
  if (!run) throw new AppError("not_found", "No settlement run has this id");
  await deps.db.settlementRun.update({
    where: { id: run.id },
    data: { status: "RUNNING", error: null, completedAt: null },
  });

  // a failed payout moved nothing (see treasury.ts): it may be signed afresh
  await deps.db.payout.updateMany({
    where: { runId: run.id, status: "FAILED" },
    data: { status: "PENDING", signedTxCiphertext: null, signedTxKeyId: null, txHash: null },
  });
  for (const payable of await payableBalances(deps.db, run.periodEnd)) {
    // the payout keeps the address of the run's time, sealed afresh under the current key
    const to = sealSecret(openPayoutAddress(payable, deps.env), deps.env);
    await deps.db.payout.createMany({
      data: [
        {
          id: createId("payout"),
          runId: run.id,
          merchantId: payable.merchantId,
          amountAtomic: new Prisma.Decimal(payable.amount),
          network: payable.network,
          asset: payable.asset,
          toAddressCiphertext: to.ciphertext,
          toAddressKeyId: to.keyId,
        },
      ],
      skipDuplicates: true,
    });
  }

  const payouts = await deps.db.payout.findMany({
    where: { runId: run.id, status: { in: ["PENDING", "BROADCAST"] } },
    orderBy: { createdAt: "asc" },
  });
  for (const payout of payouts) {
    try {
      await payOut(deps, payout);
    } catch (err) {
      deps.log.error({ err, payoutId: payout.id }, "payout failed unexpectedly");
      await deps.db.payout.update({
        where: { id: payout.id },
        data: { error: err instanceof Error ? err.message : String(err) },
      });
    }
  }

  const all = await deps.db.payout.findMany({
    where: { runId: run.id },
    select: { status: true, amountAtomic: true },
  });
  const confirmed = all.filter((p) => p.status === "CONFIRMED");
  const failed = all.filter((p) => p.status !== "CONFIRMED");
  const status = failed.length === 0 ? "COMPLETED" : "FAILED";
  await deps.db.settlementRun.update({
    where: { id: run.id },
    data: {
      status,
      completedAt: deps.now(),
      error: failed.length
        ? `${failed.length} payout(s) did not complete; fix the cause and run the period again`
        : null,
    },
  });
  return {
    runId: run.id,
    status,
    confirmed: confirmed.length,
    failed: failed.length,
    paidAtomic: confirmed.reduce((sum, p) => sum + toAtomic(p.amountAtomic), 0n).toString(),
  };
}

type PayoutRow = {
  id: string;
  merchantId: string;
  amountAtomic: Prisma.Decimal;
  network: string;
  asset: string;
  toAddressCiphertext: string;
  toAddressKeyId: string;
  signedTxCiphertext: string | null;
  signedTxKeyId: string | null;
  txHash: string | null;
};

async function payOut(
  deps: SettlementDeps & { afterBroadcast?: (payoutId: string) => Promise<void> },
  payout: PayoutRow,
): Promise<void> {
  const landed = await sendStoredTreasuryTransfer(
    { chains: deps.chains, treasuryKey: deps.treasuryKey },
    {
      stored: {
        signedTx:
          payout.signedTxCiphertext && payout.signedTxKeyId
            ? openSecret(
                { ciphertext: payout.signedTxCiphertext, keyId: payout.signedTxKeyId },
                deps.env,
              )
            : null,
        txHash: payout.txHash,
      },
      transfer: {
        network: payout.network,
        asset: payout.asset,
        to: openPayoutDestination(payout, deps.env),
        amountAtomic: toAtomic(payout.amountAtomic),
      },
      store: async (signed) => {
        const sealed = sealSecret(signed.signedTx, deps.env);
        await deps.db.payout.update({
          where: { id: payout.id },
          data: {
            signedTxCiphertext: sealed.ciphertext,
            signedTxKeyId: sealed.keyId,
            txHash: signed.txHash,
          },
        });
      },
      afterBroadcast: async () => {
        await deps.db.payout.update({ where: { id: payout.id }, data: { status: "BROADCAST" } });
        await deps.afterBroadcast?.(payout.id);
      },
    },
  );
  if (!("kind" in landed) || landed.kind !== "confirmed") {
    await deps.db.payout.update({
      where: { id: payout.id },
      data: { status: "FAILED", error: unconfirmedReason(landed) },
    });
    return;
  }
  await deps.db.$transaction(async (tx) => {
    const done = await tx.payout.updateMany({
      where: { id: payout.id, status: { not: "CONFIRMED" } },
      data: { status: "CONFIRMED", error: null },
    });
    if (done.count === 0) return;
    await tx.ledgerEntry.create({
      data: {
        id: createId("ledgerEntry"),
        merchantId: payout.merchantId,
        type: "PAYOUT",
        amountAtomic: new Prisma.Decimal((-toAtomic(payout.amountAtomic)).toString()),
        network: payout.network,
        asset: payout.asset,
        payoutId: payout.id,
        reason: `settlement run payout ${landed.txHash}`,
        createdAt: deps.now(),
      },
    });
  });
}

/** The calendar month before `now` (UTC): what the scheduled run settles on the 1st. */
export function previousMonth(now: Date): { periodStart: Date; periodEnd: Date } {
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const periodStart = new Date(
    Date.UTC(periodEnd.getUTCFullYear(), periodEnd.getUTCMonth() - 1, 1),
  );
  return { periodStart, periodEnd };
}

/** The scheduled job: settles last month once, resuming it if an earlier attempt did not finish. */
export async function runScheduledSettlement(deps: SettlementDeps): Promise<RunProgress | null> {
  if (!deps.treasuryKey) return null;
  const period = previousMonth(deps.now());
  const existing = await deps.db.settlementRun.findUnique({
    where: { periodStart_periodEnd: period },
    select: { id: true, status: true },
  });
  if (existing?.status === "COMPLETED") return null;
  const { runId } = existing
    ? { runId: existing.id }
    : await startSettlementRun(deps, { ...period, actor: { role: "SYSTEM" } });
  return processSettlementRun(deps, { runId });
}
