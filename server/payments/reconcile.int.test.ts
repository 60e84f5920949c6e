import { spawn } from "node:child_process";

import { decodePaymentRequiredHeader } from "@x402/core/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createChainClientRegistry } from "@/server/chain/clients";
import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";
import {
  createGatewayHarness,
  fundedAccount,
  type GatewayHarness,
  type Requirements,
} from "@/server/testing/gateway-harness";
import type { PrismaClient } from "@/server/db";
import { createSharedDatabase, type SharedDatabase } from "@/server/testing/shared-database";

import { reservePayment } from "./ledger";
import { reconcilePayments } from "./reconcile";

// Crash safety: a gateway process is SIGKILLed after its settlement transaction was mined and before
// the payment was recorded. The reconciler, reading only the chain and the payment row, must leave
// exactly one SETTLED payment with its usage and ledger entry for that transfer. The same for the
// deferred settlement queue: killed with payments queued, and killed mid-settlement.

let shared: SharedDatabase;
let databaseUrl: string;
const withDb = <T>(fn: (db: PrismaClient) => Promise<T>) => shared.withDb(fn);

beforeAll(async () => {
  shared = await createSharedDatabase();
  databaseUrl = shared.url;
});
afterAll(async () => {
  await shared?.close();
});

function startGatewayProcess(env: Record<string, string>): Promise<{
  url: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/testing/gateway-process.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line)
        resolve({ url: (JSON.parse(line) as { url: string }).url, pid: child.pid ?? 0, exited });
    });
    child.once("exit", (code) =>
      reject(new Error(`gateway process exited early (${code}): ${err}`)),
    );
  });
}

describe("a gateway killed between settle and record", () => {
  it("loses nothing: the reconciler records exactly one SETTLED payment for the transfer", async () => {
    // set up the merchant with the harness (its own runtime is not used for the paid call)
    let h: GatewayHarness | undefined;
    let env: Record<string, string> = {};
    let requirementsPath = "";
    await withDb(async (db) => {
      h = await createGatewayHarness(db);
      env = {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        DATABASE_URL: databaseUrl,
        APP_URL: "http://gateway.test",
        LOCAL_CHAIN_ID: String(h.chainId),
        LOCAL_CHAIN_RPC_URL: h.rpcUrl,
        LOCAL_TOKEN_ADDRESS: h.token,
        FACILITATOR_PRIVATE_KEY: (await fundedAccount(h.publicClient, h.rpcUrl, h.token, "0"))
          .privateKey,
        ALLOW_PRIVATE_UPSTREAMS: "true",
        KILL_AFTER_SETTLE: "1",
      };
      requirementsPath = `/${h.merchant.id}/api/signal/btc`;
      await h.runtime.close();
    });
    const harness = h as GatewayHarness;
    try {
      const gateway = await startGatewayProcess(env);
      const unpaid = await fetch(gateway.url + requirementsPath);
      expect(unpaid.status).toBe(402);
      const requirements = decodePaymentRequiredHeader(unpaid.headers.get("payment-required") ?? "")
        .accepts[0] as unknown as Requirements;
      const payer = await harness.newPayer();
      const before = await harness.balanceOf(harness.merchantWallet);
      const { header, nonce } = await harness.signPayment(payer, requirements);

      await expect(
        fetch(gateway.url + requirementsPath, { headers: { "payment-signature": header } }),
      ).rejects.toThrow();
      expect((await gateway.exited).signal).toBe("SIGKILL");

      // the money moved on chain, and the ledger does not know yet
      expect(await harness.balanceOf(harness.merchantWallet)).toBe(before + 10_000n);
      expect(
        await harness.publicClient.readContract({
          address: harness.token,
          abi: TEST_USDC_ABI,
          functionName: "authorizationState",
          args: [payer.address, nonce],
        }),
      ).toBe(true);

      await withDb(async (db) => {
        const orphan = await db.payment.findFirstOrThrow({
          where: { authorizationNonce: nonce.toLowerCase() },
        });
        expect(orphan).toMatchObject({ status: "VERIFIED", txHash: null });

        const chains = createChainClientRegistry(
          getNetworkRegistry({
            NETWORKS_JSON: undefined,
            LOCAL_CHAIN_ID: harness.chainId,
            LOCAL_CHAIN_RPC_URL: harness.rpcUrl,
            LOCAL_TOKEN_ADDRESS: harness.token,
          }),
          undefined,
        );
        const deps = {
          db,
          env: harness.runtime.env,
          chains,
          log: createLogger({ level: "silent" }),
          now: () => new Date(),
        };
        const first = await reconcilePayments(deps, { olderThanMs: 0 });
        expect(first).toMatchObject({ settled: 1, errors: 0 });
        const second = await reconcilePayments(deps, { olderThanMs: 0 });
        expect(second.settled).toBe(0);

        const settled = await db.payment.findUniqueOrThrow({ where: { id: orphan.id } });
        expect(settled.status).toBe("SETTLED");
        expect(settled.txHash).toMatch(/^0x[0-9a-f]{64}$/);
        const receipt = await harness.publicClient.getTransactionReceipt({
          hash: settled.txHash as `0x${string}`,
        });
        expect(receipt.status).toBe("success");
        // the killed process never answered the call: the charge is owed back to the payer
        expect(settled.refundDueReason).toBe(
          "settled on chain, but the gateway stopped before answering the call",
        );
        expect(await db.usageRecord.findMany({ where: { paymentId: orphan.id } })).toMatchObject([
          { status: "CHARGED", reason: "refund_due" },
        ]);
        expect(
          await db.ledgerEntry.count({ where: { paymentId: orphan.id, type: "CHARGE" } }),
        ).toBe(1);
      });
    } finally {
      await harness.upstream.close();
    }
  });

  it("releases a reservation whose authorization expired unused, and leaves an unexpired one alone", async () => {
    await withDb(async (db) => {
      const h = await createGatewayHarness(db);
      try {
        const payer = await h.newPayer();
        const requirements = await h.requirementsFor("/api/signal/eth");
        const now = Math.floor(Date.now() / 1000);
        const expiring = await h.signPayment(payer, requirements, {
          validBefore: BigInt(now + 30),
        });
        const fresh = await h.signPayment(payer, requirements);
        // reserved as a request that crashed before settling would have left them
        for (const p of [expiring, fresh]) {
          const auth = JSON.parse(Buffer.from(p.header, "base64").toString("utf8")).payload
            .authorization;
          const reserved = await reservePayment(
            db,
            {
              merchantId: h.merchant.id,
              ruleId: null,
              x402Version: 2,
              scheme: "exact",
              network: h.network,
              asset: h.token,
              payer: payer.address,
              payTo: h.merchantWallet,
              amountAtomic: 10_000n,
              requiredAmountAtomic: 10_000n,
              nonce: p.nonce,
              validAfter: BigInt(auth.validAfter),
              validBefore: BigInt(auth.validBefore),
              payloadEncoded: p.header,
              facilitator: "LOCAL",
              settlementPolicy: "AFTER_SUCCESS",
              resource: h.url("/api/signal/eth"),
              requestId: `req_${p.nonce.slice(2, 14)}`,
            },
            h.runtime.env,
          );
          expect(reserved.ok).toBe(true);
        }
        const deps = {
          db,
          env: h.runtime.env,
          chains: h.runtime.chains,
          log: h.runtime.log,
          now: () => new Date((now + 60) * 1000),
        };
        const result = await reconcilePayments(deps, { olderThanMs: 0 });
        expect(result).toMatchObject({ released: 1, settled: 0, errors: 0 });
        expect(
          await db.payment.findFirst({
            where: { authorizationNonce: expiring.nonce.toLowerCase() },
          }),
        ).toMatchObject({
          status: "FAILED",
          errorReason: "expired_unsettled",
          reservationKey: null,
        });
        expect(
          await db.payment.findFirst({ where: { authorizationNonce: fresh.nonce.toLowerCase() } }),
        ).toMatchObject({ status: "PENDING" });
      } finally {
        await h.close();
      }
    });
  });
});

describe("a gateway killed with deferred settlements queued", () => {
  it("settles every queued payment exactly once after restarts, on chain and in the ledger", async () => {
    let h: GatewayHarness | undefined;
    let env: Record<string, string> = {};
    const paths: string[] = [];
    await withDb(async (db) => {
      h = await createGatewayHarness(db, {
        merchant: { deferredSettlementOn: true },
        rules: [
          {
            pathPattern: "/api/deferred/*",
            method: "GET",
            price: "0.01",
            network: "",
            asset: "",
            settlementPolicy: "DEFERRED",
          },
        ],
      });
      env = {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        DATABASE_URL: databaseUrl,
        APP_URL: "http://gateway.test",
        LOCAL_CHAIN_ID: String(h.chainId),
        LOCAL_CHAIN_RPC_URL: h.rpcUrl,
        LOCAL_TOKEN_ADDRESS: h.token,
        FACILITATOR_PRIVATE_KEY: (await fundedAccount(h.publicClient, h.rpcUrl, h.token, "0"))
          .privateKey,
        ALLOW_PRIVATE_UPSTREAMS: "true",
      };
      for (const symbol of ["a", "b", "c"]) paths.push(`/${h.merchant.id}/api/deferred/${symbol}`);
      await h.runtime.close();
    });
    const harness = h as GatewayHarness;
    try {
      const payer = await harness.newPayer();
      const before = await harness.balanceOf(payer.address);

      // 1. a gateway that answers deferred calls but never gets to settle them: killed with three queued
      const serving = await startGatewayProcess(env);
      for (const path of paths) {
        const unpaid = await fetch(serving.url + path);
        const requirements = decodePaymentRequiredHeader(
          unpaid.headers.get("payment-required") ?? "",
        ).accepts[0] as unknown as Requirements;
        const { header } = await harness.signPayment(payer, requirements);
        const paid = await fetch(serving.url + path, { headers: { "payment-signature": header } });
        expect(paid.status).toBe(200);
        expect(paid.headers.get("x-x402-settlement")).toBe("deferred");
      }
      process.kill(serving.pid, "SIGKILL");
      expect((await serving.exited).signal).toBe("SIGKILL");
      expect(await harness.balanceOf(payer.address)).toBe(before);

      // 2. a restarted queue worker dies right after its first settlement landed, before recording
      // it. A run settles its claimed payments side by side, so the other two may have landed too
      // (sent, not recorded): all of them are orphans the next worker must find on chain
      const dying = await startGatewayProcess({
        ...env,
        DEFERRED_EVERY_MS: "100",
        DEFERRED_LEASE_MS: "300",
        KILL_AFTER_SETTLE: "1",
      });
      expect((await dying.exited).signal).toBe("SIGKILL");
      const afterDying = await harness.balanceOf(payer.address);
      expect(afterDying).toBeLessThanOrEqual(before - 10_000n);
      expect(afterDying).toBeGreaterThanOrEqual(before - 30_000n);

      // 3. the next restart settles the rest and records the orphaned transfer from the chain
      const healthy = await startGatewayProcess({
        ...env,
        DEFERRED_EVERY_MS: "100",
        DEFERRED_LEASE_MS: "300",
      });
      // until the worker has booked all three (asked through its own database handle), then stop it
      // so the database can be read here
      const settledBooked = () =>
        fetch(`${healthy.url}/_test/settled?payer=${payer.address}`).then(
          async (r) => ((await r.json()) as { settled: number }).settled,
        );
      await expect.poll(settledBooked, { timeout: 60_000, interval: 200 }).toBe(3);
      process.kill(healthy.pid, "SIGTERM");
      await healthy.exited;

      expect(await harness.balanceOf(payer.address)).toBe(before - 30_000n);
      await withDb(async (db) => {
        const payments = await db.payment.findMany({
          where: { payer: payer.address.toLowerCase() },
        });
        expect(payments.map((p) => p.status)).toEqual(["SETTLED", "SETTLED", "SETTLED"]);
        expect(new Set(payments.map((p) => p.txHash)).size).toBe(3);
        expect(
          await db.ledgerEntry.count({
            where: { type: "CHARGE", paymentId: { in: payments.map((p) => p.id) } },
          }),
        ).toBe(3);
        const usage = await db.usageRecord.findMany({
          where: { paymentId: { in: payments.map((p) => p.id) } },
        });
        expect(usage.map((u) => u.status)).toEqual(["CHARGED", "CHARGED", "CHARGED"]);
        expect(usage.map((u) => u.path).sort()).toEqual([
          "/api/deferred/a",
          "/api/deferred/b",
          "/api/deferred/c",
        ]);
      });
    } finally {
      await harness.upstream.close();
    }
    // three gateway processes start one after another: slow on a loaded 2-core machine
  }, 150_000);
});
