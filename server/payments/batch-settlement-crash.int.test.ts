import { x402Client } from "@x402/core/client";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  createSharedDatabase,
  startTsProcess,
  type SharedDatabase,
} from "@/server/testing/shared-database";

// The batch-settlement job killed with SIGKILL right after its claim transaction landed, and again
// right after its settle transaction landed — each time before the step was recorded. The restarted
// job recognises what is on chain: every call is paid to the merchant exactly once, on chain and in
// the ledger, and none is lost.

const PRICE = 10_000n;

let shared: SharedDatabase;
beforeAll(async () => {
  shared = await createSharedDatabase();
});
afterAll(async () => {
  await shared?.close();
});

async function payCalls(h: GatewayHarness, payer: PrivateKeyAccount, calls: number) {
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
  const pay = wrapFetchWithPayment(
    (input, init) =>
      handleGatewayRequest(h.runtime, new Request(input, init), { merchantId: h.merchant.id }),
    client,
  );
  for (let i = 0; i < calls; i++) {
    const res = await pay(h.url(`/api/batch/${i}`));
    expect(res.status).toBe(200);
    await res.text();
  }
}

type Report = {
  runs: number;
  settledCalls: number;
  claimTransactions: number;
  settleTransactions: number;
};

function lastLine(output: string): Report {
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as Report;
}

/** Four calls paid, a pass killed after `killAt`'s transaction landed, then a pass that finishes. */
async function killedAndResumed(killAt: "claim" | "settle") {
  let h: GatewayHarness | undefined;
  let env: Record<string, string> = {};
  await shared.withDb(async (db) => {
    h = await createGatewayHarness(db, {
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
    await payCalls(h, await h.newPayer("10"), 4);
    const runtimeEnv = h.runtime.env as unknown as Record<string, string | undefined>;
    env = {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: shared.url,
      LOCAL_CHAIN_ID: String(h.chainId),
      LOCAL_CHAIN_RPC_URL: h.rpcUrl,
      LOCAL_TOKEN_ADDRESS: h.token,
      FACILITATOR_PRIVATE_KEY: runtimeEnv.FACILITATOR_PRIVATE_KEY ?? "",
      ...(runtimeEnv.ENCRYPTION_KEY ? { ENCRYPTION_KEY: runtimeEnv.ENCRYPTION_KEY } : {}),
    };
    await h.runtime.close();
  });
  const harness = h as GatewayHarness;
  const merchantId = harness.merchant.id;
  const wallet = harness.merchantWallet as `0x${string}`;
  try {
    const before = await harness.balanceOf(wallet);
    const dying = startTsProcess("server/testing/batch-settlement-process.ts", {
      ...env,
      KILL_AT: killAt,
    });
    expect((await dying.exited).signal, dying.output()).toBe("SIGKILL");
    // on chain: the claim (and, killed at the settle, the payout) happened; the ledger lags
    expect(await harness.balanceOf(wallet)).toBe(
      killAt === "settle" ? before + 4n * PRICE : before,
    );
    await shared.withDb(async (db) => {
      expect(await db.batchSettlementRun.findMany({ where: { merchantId } })).toMatchObject([
        { status: killAt === "claim" ? "CLAIMING" : "SETTLING", calls: 4 },
      ]);
      expect(await db.payment.count({ where: { merchantId, status: "ACCRUED" } })).toBe(4);
    });

    const resumed = startTsProcess("server/testing/batch-settlement-process.ts", env);
    expect((await resumed.exited).code, resumed.output()).toBe(0);
    // the restart sends neither transaction again when it already landed
    expect(lastLine(resumed.output())).toMatchObject({
      runs: 1,
      settledCalls: 4,
      claimTransactions: 0,
      settleTransactions: killAt === "claim" ? 1 : 0,
    });
    expect(await harness.balanceOf(wallet)).toBe(before + 4n * PRICE);
    await shared.withDb(async (db) => {
      const payments = await db.payment.findMany({
        where: { merchantId },
        include: { ledgerEntries: true },
      });
      expect(payments).toHaveLength(4);
      expect(payments.every((p) => p.status === "SETTLED")).toBe(true);
      // one CHARGE per call, never two
      expect(
        payments.map((p) => p.ledgerEntries.filter((e) => e.type === "CHARGE").length),
      ).toEqual([1, 1, 1, 1]);
      expect(await db.batchSettlementRun.findMany({ where: { merchantId } })).toMatchObject([
        { status: "SETTLED", calls: 4 },
      ]);
    });
  } finally {
    await harness.upstream.close();
  }
}

describe("the batch-settlement job killed after sending a transaction", () => {
  // each case starts two job processes one after another: slow on a loaded 2-core machine
  it("pays every call exactly once when killed after the claim landed", async () => {
    await killedAndResumed("claim");
  }, 180_000);

  it("pays every call exactly once when killed after the settle landed", async () => {
    await killedAndResumed("settle");
  }, 180_000);
});
