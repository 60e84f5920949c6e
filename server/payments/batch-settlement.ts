import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { BATCH_SETTLEMENT_ADDRESS } from "@x402/evm";
import type { Channel } from "@x402/evm/batch-settlement/server";
import type { Address, Hex } from "viem";

import type { ChainClientRegistry } from "@/server/chain/clients";
import { X402_BATCH_SETTLEMENT_ABI } from "@/server/chain/batch-contracts.artifact";
import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { EncryptionKeys } from "@/server/crypto/secrets";
import type { Facilitators } from "@/server/facilitator";
import type { Log } from "@/server/observability/logger";
import { enqueueWebhookEvent } from "@/server/webhooks/webhooks";

import { writeSettlementEntries } from "./ledger";
import { directPaymentSelect, paidMerchantDirectly } from "./sealed-payment";

// Batched settlement of batch-settlement calls (the job "settle-batch-payments"). Calls accrue as
// ACCRUED payments while their vouchers are charged against channels (server/gateway/batch-call.ts);
// once a receiver's calls are due — `batchMaxCalls` of them wait, or the oldest has waited
// `batchMaxAgeSeconds` — one run claims every channel's latest voucher in one claimWithSignature
// transaction and pays the receiver in one settle transaction, both sent by the official
// facilitator part. Crash-safe in three steps, each one transaction in our database:
//
//   1. bind    the run row (CLAIMING) with the claims, and the calls it covers, while the channels
//              are locked: no call can be charged between reading a channel and binding its calls
//   2. claim   → SETTLING. A run found in CLAIMING after a crash first asks the contract: claims
//              are cumulative, so a claim that landed is recognised and never paid twice
//   3. settle  → SETTLED, with the calls SETTLED and their ledger entries. settle() sweeps what was
//              claimed for the receiver; if an earlier sweep took it, there is nothing left to send
//
// A call is therefore in exactly one run, and a run is finished by whichever pass finds it.

export type BatchSettlementDeps = {
  db: PrismaClient;
  env: EncryptionKeys;
  chains: ChainClientRegistry;
  facilitators: Pick<Facilitators, "forKind">;
  log: Log;
  now: () => Date;
};

export type BatchSettlementOptions = {
  /** settle every group with accrued calls now, whatever its thresholds (tests, operators) */
  force?: boolean;
  /** at most this many claims per claim transaction (default 100) */
  maxClaimsPerBatch?: number;
  /** test-only fault injection: runs after a step's transaction is sent, before its record */
  afterSend?: (step: "claim" | "settle", runId: string) => Promise<void>;
};

export type BatchSettlementReport = {
  runs: number;
  settledCalls: number;
  claimTransactions: number;
  settleTransactions: number;
  failed: number;
};

type Claim = {
  voucher: { channel: Channel["channelConfig"]; maxClaimableAmount: string };
  signature: Hex;
  totalClaimed: string;
};

/** A claim as the run keeps it: with the channel it is for. */
type RunClaim = Claim & { channelId: string };

type Group = { merchantId: string; network: string; receiver: string; asset: string };

const DEFAULT_MAX_CLAIMS = 100;

function requirementsOf(group: Group): PaymentRequirements {
  return {
    scheme: "batch-settlement",
    network: group.network as PaymentRequirements["network"],
    asset: group.asset,
    amount: "0",
    payTo: group.receiver,
    maxTimeoutSeconds: 0,
    extra: {},
  };
}

function payloadOf(group: Group, payload: Record<string, unknown>): PaymentPayload {
  return { x402Version: 2, accepted: requirementsOf(group), payload } as PaymentPayload;
}

/** The groups (merchant, network, receiver, asset) whose accrued calls are due for a run. */
async function dueGroups(
  deps: BatchSettlementDeps,
  opts: BatchSettlementOptions,
): Promise<Group[]> {
  const channels = await deps.db.batchChannel.findMany({
    where: { chargedCumulative: { gt: deps.db.batchChannel.fields.claimedCumulative } },
    select: { merchantId: true, network: true, receiver: true, asset: true, channelId: true },
  });
  const groups = new Map<string, Group & { channelIds: string[] }>();
  for (const c of channels) {
    const key = `${c.merchantId}|${c.network}|${c.receiver}|${c.asset}`;
    const group = groups.get(key) ?? { ...c, channelIds: [] };
    group.channelIds.push(c.channelId);
    groups.set(key, group);
  }
  const due: Group[] = [];
  for (const group of groups.values()) {
    const merchant = await deps.db.merchant.findUnique({
      where: { id: group.merchantId },
      select: { batchMaxCalls: true, batchMaxAgeSeconds: true },
    });
    if (!merchant) continue;
    const accrued = await deps.db.payment.aggregate({
      where: {
        merchantId: group.merchantId,
        status: "ACCRUED",
        settlementPolicy: "BATCH",
        batchRunId: null,
        authorizationNonce: { in: group.channelIds },
      },
      _count: { _all: true },
      _min: { createdAt: true },
    });
    const oldest = accrued._min.createdAt;
    const aged =
      oldest !== null &&
      deps.now().getTime() - oldest.getTime() >= merchant.batchMaxAgeSeconds * 1000;
    if (opts.force || accrued._count._all >= merchant.batchMaxCalls || aged)
      due.push({
        merchantId: group.merchantId,
        network: group.network,
        receiver: group.receiver,
        asset: group.asset,
      });
  }
  return due;
}

type Bound = { runId: string; calls: number };

/** Step 1: the run and the calls it covers, bound while the group's channels are locked. */
async function bindRun(
  deps: BatchSettlementDeps,
  group: Group,
  maxClaims: number,
): Promise<Bound | null> {
  return deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { id: string; channelId: string; state: Channel; claimedCumulative: Prisma.Decimal }[]
    >`
      SELECT "id", "channelId", "state", "claimedCumulative" FROM "BatchChannel"
      WHERE "merchantId" = ${group.merchantId} AND "network" = ${group.network}
        AND "receiver" = ${group.receiver} AND "asset" = ${group.asset}
        AND "chargedCumulative" > "claimedCumulative"
      ORDER BY "createdAt" ASC
      LIMIT ${maxClaims}
      FOR UPDATE`;
    if (rows.length === 0) return null;
    const claims: RunClaim[] = rows.map((r) => ({
      channelId: r.channelId,
      voucher: {
        channel: r.state.channelConfig,
        maxClaimableAmount: r.state.signedMaxClaimable,
      },
      signature: r.state.signature as Hex,
      totalClaimed: r.state.chargedCumulativeAmount,
    }));
    const amount = rows.reduce(
      (sum, r) =>
        sum + BigInt(r.state.chargedCumulativeAmount) - BigInt(r.claimedCumulative.toFixed()),
      0n,
    );
    const runId = createId("batchSettlementRun");
    // the run first: the calls reference it
    await tx.batchSettlementRun.create({
      data: {
        id: runId,
        merchantId: group.merchantId,
        network: group.network,
        receiver: group.receiver,
        asset: group.asset,
        status: "CLAIMING",
        claims: claims as unknown as Prisma.InputJsonArray,
        calls: 0,
        amountAtomic: new Prisma.Decimal(amount.toString()),
      },
    });
    const bound = await tx.payment.updateMany({
      where: {
        merchantId: group.merchantId,
        status: "ACCRUED",
        settlementPolicy: "BATCH",
        batchRunId: null,
        authorizationNonce: { in: rows.map((r) => r.channelId) },
      },
      data: { batchRunId: runId },
    });
    await tx.batchSettlementRun.updateMany({
      where: { id: runId, merchantId: group.merchantId },
      data: { calls: bound.count },
    });
    return { runId, calls: bound.count };
  });
}

/** Whether every claim of a run is already on chain (claims are cumulative totals per channel). */
async function claimedOnChain(
  deps: BatchSettlementDeps,
  group: Group,
  claims: RunClaim[],
): Promise<boolean> {
  const client = deps.chains.forNetwork(group.network)?.publicClient;
  if (!client) return false;
  for (const [i, { channelId }] of claims.entries()) {
    const [, totalClaimed] = (await client.readContract({
      address: BATCH_SETTLEMENT_ADDRESS as Address,
      abi: X402_BATCH_SETTLEMENT_ABI,
      functionName: "channels",
      args: [channelId as Hex],
    })) as readonly [bigint, bigint];
    if (totalClaimed < BigInt(claims[i]!.totalClaimed)) return false;
  }
  return true;
}

async function nothingLeftToSettle(deps: BatchSettlementDeps, group: Group): Promise<boolean> {
  const client = deps.chains.forNetwork(group.network)?.publicClient;
  if (!client) return false;
  const [claimed, settled] = (await client.readContract({
    address: BATCH_SETTLEMENT_ADDRESS as Address,
    abi: X402_BATCH_SETTLEMENT_ABI,
    functionName: "receivers",
    args: [group.receiver as Address, group.asset as Address],
  })) as readonly [bigint, bigint];
  return claimed <= settled;
}

type RunRow = Group & { id: string; status: string; claims: Prisma.JsonValue; calls: number };

async function facilitatorFor(deps: BatchSettlementDeps, runId: string) {
  const payment = await deps.db.payment.findFirst({
    where: { batchRunId: runId },
    select: { facilitator: true },
  });
  return deps.facilitators.forKind(payment?.facilitator ?? "LOCAL");
}

/** Steps 2 and 3 for one run, from wherever it stopped. */
async function finishRun(
  deps: BatchSettlementDeps,
  run: RunRow,
  opts: BatchSettlementOptions,
  report: BatchSettlementReport,
): Promise<void> {
  const group: Group = run;
  const claims = run.claims as unknown as RunClaim[];
  const facilitator = await facilitatorFor(deps, run.id);
  if (!facilitator) throw new Error(`run ${run.id}: its facilitator is not configured`);
  const log = deps.log.child({ batchRunId: run.id, merchantId: run.merchantId });

  let status = run.status;
  if (status === "CLAIMING") {
    let claimTx: string | null = null;
    if (!(await claimedOnChain(deps, group, claims))) {
      const onChain = claims.map(({ channelId: _id, ...claim }) => claim);
      const result = await facilitator.settle(
        payloadOf(group, { type: "claim", claims: onChain }),
        requirementsOf(group),
      );
      if (!result.success) {
        await deps.db.batchSettlementRun.updateMany({
          where: { id: run.id, merchantId: run.merchantId },
          data: { error: `${result.errorReason ?? "claim_failed"}: ${result.errorMessage ?? ""}` },
        });
        log.warn({ reason: result.errorReason }, "batch claim failed; the next pass tries again");
        report.failed++;
        return;
      }
      claimTx = result.transaction;
      report.claimTransactions++;
      await opts.afterSend?.("claim", run.id);
    }
    await deps.db.$transaction(async (tx) => {
      for (const { channelId, totalClaimed } of claims) {
        await tx.$executeRaw`
          UPDATE "BatchChannel" SET
            "claimedCumulative" = GREATEST("claimedCumulative", ${new Prisma.Decimal(totalClaimed)}),
            "state" = jsonb_set("state", '{totalClaimed}', to_jsonb(${totalClaimed}::text)),
            "updatedAt" = NOW()
          WHERE "merchantId" = ${run.merchantId} AND "network" = ${run.network}
            AND "receiver" = ${run.receiver} AND "channelId" = ${channelId}`;
      }
      await tx.batchSettlementRun.updateMany({
        where: { id: run.id, merchantId: run.merchantId, status: "CLAIMING" },
        data: { status: "SETTLING", error: null, ...(claimTx ? { claimTxHash: claimTx } : {}) },
      });
    });
    status = "SETTLING";
  }
  if (status !== "SETTLING") return;
  let settleTx: string | null = null;
  const result = await facilitator.settle(
    payloadOf(group, { type: "settle", receiver: run.receiver, token: run.asset }),
    requirementsOf(group),
  );
  if (result.success) {
    settleTx = result.transaction;
    report.settleTransactions++;
    await opts.afterSend?.("settle", run.id);
  } else if (!(await nothingLeftToSettle(deps, group))) {
    await deps.db.batchSettlementRun.updateMany({
      where: { id: run.id, merchantId: run.merchantId },
      data: { error: `${result.errorReason ?? "settle_failed"}: ${result.errorMessage ?? ""}` },
    });
    log.warn({ reason: result.errorReason }, "batch settle failed; the next pass tries again");
    report.failed++;
    return;
  }
  const settled = await recordRunSettled(deps, run, settleTx);
  report.runs++;
  report.settledCalls += settled;
  log.info({ calls: settled, settleTx }, "batch settled");
}

/** Step 3's record: the run SETTLED, its calls SETTLED with their ledger entries and webhooks. */
async function recordRunSettled(
  deps: BatchSettlementDeps,
  run: RunRow,
  settleTx: string | null,
): Promise<number> {
  const at = deps.now();
  return deps.db.$transaction(async (tx) => {
    const done = await tx.batchSettlementRun.updateMany({
      where: { id: run.id, merchantId: run.merchantId, status: "SETTLING" },
      data: { status: "SETTLED", settledAt: at, error: null, settleTxHash: settleTx },
    });
    if (done.count === 0) return 0;
    const payments = await tx.payment.findMany({
      where: { merchantId: run.merchantId, batchRunId: run.id, status: "ACCRUED" },
      select: {
        id: true,
        payer: true,
        amountAtomic: true,
        asset: true,
        network: true,
        requestId: true,
        resource: true,
        ...directPaymentSelect,
      },
    });
    await tx.payment.updateMany({
      where: { merchantId: run.merchantId, batchRunId: run.id, status: "ACCRUED" },
      data: { status: "SETTLED", settledAt: at },
    });
    for (const payment of payments) {
      await writeSettlementEntries(tx, {
        merchantId: run.merchantId,
        paymentId: payment.id,
        payment,
        direct: paidMerchantDirectly(payment, deps.env),
        at,
      });
      await enqueueWebhookEvent(tx, {
        merchantId: run.merchantId,
        type: "payment.settled",
        eventId: `${payment.id}:payment.settled`,
        requestId: payment.requestId,
        data: {
          paymentId: payment.id,
          payer: payment.payer,
          amountAtomic: payment.amountAtomic.toFixed(),
          asset: payment.asset,
          network: payment.network,
          transaction: settleTx ?? "",
          resource: payment.resource,
          batchRunId: run.id,
        },
        at,
      });
    }
    return payments.length;
  });
}

/**
 * One pass: finishes runs a crash left open, then starts and finishes a run for every group whose
 * accrued calls are due.
 */
export async function settleBatches(
  deps: BatchSettlementDeps,
  opts: BatchSettlementOptions = {},
): Promise<BatchSettlementReport> {
  const report: BatchSettlementReport = {
    runs: 0,
    settledCalls: 0,
    claimTransactions: 0,
    settleTransactions: 0,
    failed: 0,
  };
  const open = await deps.db.batchSettlementRun.findMany({
    where: { status: { in: ["CLAIMING", "SETTLING"] } },
    orderBy: { createdAt: "asc" },
  });
  for (const run of open) await finishRun(deps, run, opts, report);
  for (const group of await dueGroups(deps, opts)) {
    const bound = await bindRun(deps, group, opts.maxClaimsPerBatch ?? DEFAULT_MAX_CLAIMS);
    if (!bound) continue;
    const run = await deps.db.batchSettlementRun.findUniqueOrThrow({ where: { id: bound.runId } });
    await finishRun(deps, run, opts, report);
  }
  return report;
}
