import { AsyncLocalStorage } from "node:async_hooks";

import type {
  Channel,
  ChannelStorage,
  ChannelUpdateResult,
} from "@x402/evm/batch-settlement/server";

import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";

// The official batch-settlement server part's ChannelStorage, on our database: one BatchChannel row
// per channel, scoped to the merchant, network and receiver it was opened with. Every update runs in
// one transaction holding the row's lock (SELECT … FOR UPDATE), so two gateway instances cannot
// interleave between reading a channel and writing it back — the guarantee the interface asks for.
//
// The update that raises a channel's charged total is the moment a call is charged. A request that
// serves a call registers what its record is (chargeHooks.run) and the storage writes that record —
// the call's Payment and usage rows — inside the same transaction: a channel is never charged
// without its call recorded, nor a call recorded without its charge, whatever is killed when.

export type ChannelScope = { merchantId: string; network: string; receiver: string; asset: string };

export type ChargedChannel = {
  channel: Channel;
  /** charged before this update and after it (atomic units, cumulative) */
  before: bigint;
  after: bigint;
};

/** Writes the record of the call a charge is for, in the charging transaction. */
export type ChargeHook = {
  record: (tx: Prisma.TransactionClient, charged: ChargedChannel) => Promise<void>;
  /** set once the record committed with its charge */
  committed?: ChargedChannel;
};

export const chargeHooks = new AsyncLocalStorage<ChargeHook>();

const charged = (channel: Channel | undefined): bigint =>
  channel ? BigInt(channel.chargedCumulativeAmount) : 0n;

type Row = { id: string; state: unknown };

export class PrismaChannelStorage implements ChannelStorage {
  constructor(
    private readonly db: PrismaClient,
    private readonly scope: ChannelScope,
  ) {}

  private where(channelId?: string) {
    return {
      merchantId: this.scope.merchantId,
      network: this.scope.network,
      receiver: this.scope.receiver.toLowerCase(),
      ...(channelId ? { channelId: channelId.toLowerCase() } : {}),
    };
  }

  async get(channelId: string): Promise<Channel | undefined> {
    const row = await this.db.batchChannel.findFirst({
      where: this.where(channelId),
      select: { state: true },
    });
    return row ? (row.state as unknown as Channel) : undefined;
  }

  async list(): Promise<Channel[]> {
    const rows = await this.db.batchChannel.findMany({
      where: { ...this.where(), asset: this.scope.asset.toLowerCase() },
      select: { state: true },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => r.state as unknown as Channel);
  }

  async updateChannel(
    channelId: string,
    update: (current: Channel | undefined) => Channel | undefined,
  ): Promise<ChannelUpdateResult> {
    const hook = chargeHooks.getStore();
    // a first update of a new channel can race another one's insert: the unique key refuses the
    // second, which then runs again and finds the row
    for (let attempt = 0; ; attempt++) {
      try {
        const { result, change } = await this.db.$transaction((tx) =>
          this.updateIn(tx, channelId, update, hook),
        );
        if (hook && change) hook.committed = change;
        return result;
      } catch (err) {
        const clash = err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
        if (!clash || attempt > 0) throw err;
      }
    }
  }

  private async updateIn(
    tx: Prisma.TransactionClient,
    channelId: string,
    update: (current: Channel | undefined) => Channel | undefined,
    hook: ChargeHook | undefined,
  ): Promise<{ result: ChannelUpdateResult; change?: ChargedChannel }> {
    const { merchantId, network } = this.scope;
    const receiver = this.scope.receiver.toLowerCase();
    const id = channelId.toLowerCase();
    const rows = await tx.$queryRaw<Row[]>`
      SELECT "id", "state" FROM "BatchChannel"
      WHERE "merchantId" = ${merchantId} AND "network" = ${network}
        AND "receiver" = ${receiver} AND "channelId" = ${id}
      FOR UPDATE`;
    const row = rows[0];
    const current = row ? (row.state as Channel) : undefined;
    const next = update(current);
    if (next === current) return { result: { channel: current, status: "unchanged" } };
    if (next === undefined) {
      if (row) await tx.batchChannel.deleteMany({ where: { id: row.id, merchantId } });
      return { result: { channel: undefined, status: "deleted" } };
    }
    const state = next as unknown as Prisma.InputJsonObject;
    const chargedCumulative = new Prisma.Decimal(next.chargedCumulativeAmount);
    if (row) {
      await tx.batchChannel.updateMany({
        where: { id: row.id, merchantId },
        data: { state, chargedCumulative },
      });
    } else {
      await tx.batchChannel.create({
        data: {
          id: createId("batchChannel"),
          merchantId,
          network,
          channelId: id,
          receiver,
          asset: this.scope.asset.toLowerCase(),
          payer: next.channelConfig.payer.toLowerCase(),
          state,
          chargedCumulative,
        },
      });
    }
    const before = charged(current);
    const after = charged(next);
    // only the request that registered a hook charges through it, and only once
    if (hook && !hook.committed && after > before) {
      const change = { channel: next, before, after };
      await hook.record(tx, change);
      return { result: { channel: next, status: "updated" }, change };
    }
    return { result: { channel: next, status: "updated" } };
  }
}
