import type { Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createGatewayHarness,
  fundedAccount,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import {
  createSharedDatabase,
  startTsProcess,
  type SharedDatabase,
} from "@/server/testing/shared-database";

import { billingDeps } from "./deps";
import { startSettlementRun } from "./settlement-runs";

// A settlement run killed right after its payout transaction was broadcast, before it was confirmed
// and recorded; the restarted run finds the stored transaction and records it: exactly one payout
// on chain and one PAYOUT entry in the ledger.

let shared: SharedDatabase;
beforeAll(async () => {
  shared = await createSharedDatabase();
});
afterAll(async () => {
  await shared?.close();
});

describe("a settlement run killed after broadcasting a payout", () => {
  it("pays exactly once, on chain and in the ledger, after a restart", async () => {
    let h: GatewayHarness | undefined;
    let treasury: (PrivateKeyAccount & { privateKey: Hex }) | undefined;
    let runId = "";
    let env: Record<string, string> = {};
    await shared.withDb(async (db) => {
      const probe = await createGatewayHarness(db, { rules: [] });
      treasury = await fundedAccount(probe.publicClient, probe.rpcUrl, probe.token, "0");
      await probe.close();
      h = await createGatewayHarness(db, {
        rules: [
          { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
        ],
        env: {
          PLATFORM_PAYOUT_ADDRESS: treasury.address,
          TREASURY_PRIVATE_KEY: treasury.privateKey,
        },
        merchant: { settlementMode: "PLATFORM" },
      });
      const payer = await h.newPayer("1");
      for (const symbol of ["a", "b"]) {
        const requirements = await h.requirementsFor(`/api/signal/${symbol}`);
        const { header } = await h.signPayment(payer, requirements);
        expect(
          (await h.call(`/api/signal/${symbol}`, { headers: { "payment-signature": header } }))
            .status,
        ).toBe(200);
      }
      await h.runtime.usage.flush();
      runId = (
        await startSettlementRun(billingDeps(h.deps), {
          periodStart: new Date(Date.now() - 86_400_000),
          periodEnd: new Date(),
          actor: { role: "PLATFORM_ADMIN" },
        })
      ).runId;
      env = {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        DATABASE_URL: shared.url,
        LOCAL_CHAIN_ID: String(h.chainId),
        LOCAL_CHAIN_RPC_URL: h.rpcUrl,
        LOCAL_TOKEN_ADDRESS: h.token,
        PLATFORM_PAYOUT_ADDRESS: treasury.address,
        TREASURY_PRIVATE_KEY: treasury.privateKey,
        RUN_ID: runId,
      };
      await h.runtime.close();
    });
    const harness = h as GatewayHarness;
    try {
      const before = await harness.balanceOf(harness.merchantWallet);

      const dying = startTsProcess("server/testing/settlement-process.ts", {
        ...env,
        KILL_AFTER_BROADCAST: "1",
      });
      expect((await dying.exited).signal).toBe("SIGKILL");
      // the transfer is out (anvil mines at once) and the ledger does not know yet
      expect(await harness.balanceOf(harness.merchantWallet)).toBe(before + 20_000n);
      await shared.withDb(async (db) => {
        expect(await db.payout.findMany({ where: { runId } })).toMatchObject([
          { status: "BROADCAST", txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
        ]);
        expect(await db.ledgerEntry.count({ where: { type: "PAYOUT", payout: { runId } } })).toBe(
          0,
        );
      });

      const resumed = startTsProcess("server/testing/settlement-process.ts", env);
      expect((await resumed.exited).code, resumed.output()).toBe(0);
      expect(JSON.parse(resumed.output().trim().split("\n").at(-1) ?? "{}")).toMatchObject({
        status: "COMPLETED",
        confirmed: 1,
        failed: 0,
        paidAtomic: "20000",
      });
      expect(await harness.balanceOf(harness.merchantWallet)).toBe(before + 20_000n);
      await shared.withDb(async (db) => {
        const payouts = await db.payout.findMany({ where: { runId } });
        expect(payouts).toMatchObject([{ status: "CONFIRMED" }]);
        const receipt = await harness.publicClient.getTransactionReceipt({
          hash: payouts[0]?.txHash as `0x${string}`,
        });
        expect(receipt.status).toBe("success");
        const entries = await db.ledgerEntry.findMany({
          where: { type: "PAYOUT", payout: { runId } },
          select: { amountAtomic: true },
        });
        expect(entries.map((e) => e.amountAtomic.toFixed())).toEqual(["-20000"]);
      });
    } finally {
      await harness.upstream.close();
    }
    // two settlement processes start one after another: slow on a loaded 2-core machine
  }, 150_000);
});
