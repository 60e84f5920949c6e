import { x402Client } from "@x402/core/client";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme, signVoucher } from "@x402/evm/batch-settlement/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listTransactions } from "@/server/billing/transactions";
import type { ServerEnv } from "@/server/env";
import { BATCH_SETTLEMENT_CONTRACT_ADDRESS } from "@/server/chain/batch-settlement-contracts";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { settleBatches } from "@/server/payments/batch-settlement";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// The `batch-settlement` scheme end to end on anvil: the official @x402/fetch client with the
// official batch-settlement client part opens a channel (one deposit transaction), pays each call
// with a voucher the gateway charges without any transaction, and the batch job claims every
// voucher in one transaction and pays the merchant in one more.

const database = useTestDatabase();
let h: GatewayHarness;

const PRICE = 10_000n; // 0.01 test USDC

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      {
        pathPattern: "/api/batch/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BATCH",
      },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

/** What the official client sent, per call (to replay a voucher). */
const sent: Request[] = [];

/** The official client's fetch, answered by the real gateway handler in process. */
const viaGateway: typeof fetch = (input, init) => {
  const request = new Request(input, init);
  sent.push(request.clone());
  return handleGatewayRequest(h.runtime, request, { merchantId: h.merchant.id });
};

function batchFetch(payer: PrivateKeyAccount) {
  const client = new x402Client().register(
    h.network as `${string}:${string}`,
    new BatchSettlementEvmScheme(toClientEvmSigner(payer, h.publicClient)),
  );
  client.setSpendControls({
    allowedAssets: [
      {
        network: h.network as `${string}:${string}`,
        asset: h.token,
        maxAmountPerPayment: "100000",
      },
    ],
  });
  return wrapFetchWithPayment(viaGateway, client);
}

/** Transactions sent by the gateway's settlement accounts (each account's nonce). */
async function txCount(): Promise<bigint> {
  const accounts = h.runtime.chains.forNetwork(h.network)?.facilitatorAccounts ?? [];
  let sum = 0n;
  for (const a of accounts)
    sum += BigInt(await h.publicClient.getTransactionCount({ address: a.address }));
  return sum;
}

describe("a BATCH rule paid with the official batch-settlement scheme", () => {
  it("offers batch-settlement with the facilitator as receiverAuthorizer", async () => {
    const res = await h.call("/api/batch/a");
    expect(res.status).toBe(402);
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString("utf8"),
    );
    expect(required.accepts).toEqual([
      expect.objectContaining({
        scheme: "batch-settlement",
        amount: PRICE.toString(),
        payTo: h.merchantWallet,
        extra: expect.objectContaining({
          receiverAuthorizer: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
          withdrawDelay: 900,
        }),
      }),
    ]);
  });

  it("charges each call against one deposit, then claims and settles them in two transactions", async () => {
    const payer = await h.newPayer("10");
    const pay = batchFetch(payer);
    const payerBefore = await h.balanceOf(payer.address);
    const txsBefore = await txCount();
    const CALLS = 6;
    for (let i = 0; i < CALLS; i++) {
      const res = await pay(h.url(`/api/batch/call-${i}`));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-x402-settlement")).toBe("batch");
      await res.text();
    }
    // the deposit is the only transaction while calls are served
    expect((await txCount()) - txsBefore).toBe(1n);
    // the deposit the 402 announced (minDeposit: ten calls)
    const deposit = 10n * PRICE;
    expect(await h.balanceOf(payer.address)).toBe(payerBefore - deposit);
    expect(await h.balanceOf(BATCH_SETTLEMENT_CONTRACT_ADDRESS)).toBeGreaterThanOrEqual(deposit);

    const payments = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
      include: { usageRecords: true },
    });
    expect(payments).toHaveLength(CALLS);
    expect(payments.every((p) => p.status === "ACCRUED" && p.settlementPolicy === "BATCH")).toBe(
      true,
    );
    expect(payments.every((p) => p.usageRecords.length === 1)).toBe(true);

    const merchantBefore = await h.balanceOf(h.merchantWallet as `0x${string}`);
    const txsBeforeBatch = await txCount();
    const report = await settleBatches(
      { ...h.deps, facilitators: h.runtime.facilitators },
      { force: true },
    );
    expect(report.settledCalls).toBe(CALLS);
    // one claim for every voucher, one transfer to the merchant
    expect((await txCount()) - txsBeforeBatch).toBe(2n);
    expect(await h.balanceOf(h.merchantWallet as `0x${string}`)).toBe(
      merchantBefore + BigInt(CALLS) * PRICE,
    );
    const settled = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
      include: { ledgerEntries: true },
    });
    expect(settled.every((p) => p.status === "SETTLED" && p.batchRunId)).toBe(true);
    expect(settled.every((p) => p.ledgerEntries.some((e) => e.type === "CHARGE"))).toBe(true);
    // the transactions page shows each call with its batch's settle transaction
    const run = await database.db.batchSettlementRun.findFirstOrThrow({
      where: { merchantId: h.merchant.id, id: settled[0]!.batchRunId! },
    });
    expect(run).toMatchObject({ status: "SETTLED", calls: CALLS });
    expect(run.claimTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    const page = await listTransactions(
      { db: database.db, env: h.runtime.env as ServerEnv },
      { merchantId: h.merchant.id, limit: 50, status: "SETTLED" },
    );
    const listed = page.items.filter((t) => t.payer === payer.address.toLowerCase());
    expect(listed).toHaveLength(CALLS);
    expect(listed.every((t) => t.txHash === run.settleTxHash && t.batchRunId === run.id)).toBe(
      true,
    );
    // a second run finds nothing to do
    expect(
      (await settleBatches({ ...h.deps, facilitators: h.runtime.facilitators }, { force: true }))
        .settledCalls,
    ).toBe(0);
  });

  it("refuses a replayed voucher with 402 and the channel's state, charging nothing", async () => {
    const payer = await h.newPayer("10");
    const pay = batchFetch(payer);
    sent.length = 0;
    const first = await pay(h.url("/api/batch/replay"));
    expect(first.status).toBe(200);
    await first.text();
    const second = await pay(h.url("/api/batch/replay"));
    expect(second.status).toBe(200);
    await second.text();
    const paid = sent.filter((r) => r.headers.get("payment-signature"));
    const replayed = paid[paid.length - 1]!;
    const count = await database.db.payment.count({
      where: { payer: payer.address.toLowerCase() },
    });
    const res = await handleGatewayRequest(h.runtime, replayed.clone(), {
      merchantId: h.merchant.id,
    });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: string; errorMessage: string };
    expect(body.error).toBe("invalid_batch_settlement_evm_cumulative_amount_mismatch");
    expect(body.errorMessage).toEqual(expect.any(String));
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString("utf8"),
    );
    expect(required.accepts[0].extra.channelState.chargedCumulativeAmount).toBe(
      (2n * PRICE).toString(),
    );
    expect(await database.db.payment.count({ where: { payer: payer.address.toLowerCase() } })).toBe(
      count,
    );
  });

  it("refuses a voucher for more than the channel holds with 402, charging nothing", async () => {
    const payer = await h.newPayer("10");
    const pay = batchFetch(payer);
    // the first deposit covers ten calls: spend all of it
    for (let i = 0; i < 10; i++) {
      const res = await pay(h.url(`/api/batch/spend-${i}`));
      expect(res.status).toBe(200);
      await res.text();
    }
    const channel = await database.db.batchChannel.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    const state = channel.state as {
      channelId: `0x${string}`;
      channelConfig: Record<string, unknown>;
      balance: string;
      chargedCumulativeAmount: string;
    };
    expect(state.chargedCumulativeAmount).toBe(state.balance);
    // an eleventh call signed without a top-up: its cumulative amount exceeds the deposit
    const requirements = await h.requirementsFor("/api/batch/over");
    const voucher = await signVoucher(
      toClientEvmSigner(payer, h.publicClient),
      state.channelId,
      (BigInt(state.chargedCumulativeAmount) + PRICE).toString(),
      h.network,
    );
    const header = Buffer.from(
      JSON.stringify({
        x402Version: 2,
        accepted: requirements,
        payload: { type: "voucher", channelConfig: state.channelConfig, voucher },
      }),
    ).toString("base64");
    const count = await database.db.payment.count({
      where: { payer: payer.address.toLowerCase() },
    });
    const res = await h.call("/api/batch/over", { headers: { "payment-signature": header } });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: string; errorMessage: string };
    expect(body.error).toBe("invalid_batch_settlement_evm_cumulative_exceeds_balance");
    expect(await database.db.payment.count({ where: { payer: payer.address.toLowerCase() } })).toBe(
      count,
    );
    const after = await database.db.batchChannel.findUniqueOrThrow({ where: { id: channel.id } });
    expect((after.state as { chargedCumulativeAmount: string }).chargedCumulativeAmount).toBe(
      state.chargedCumulativeAmount,
    );
  });

  it("refuses a malformed batch-settlement payload with 402 and a stable reason", async () => {
    const requirements = await h.requirementsFor("/api/batch/bad");
    const header = Buffer.from(
      JSON.stringify({
        x402Version: 2,
        accepted: requirements,
        payload: { type: "voucher", voucher: { channelId: "0x12" } },
      }),
    ).toString("base64");
    const res = await h.call("/api/batch/bad", { headers: { "payment-signature": header } });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_payload");
  });
});
