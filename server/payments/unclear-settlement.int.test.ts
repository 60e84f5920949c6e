import type { Address, Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import type {
  Facilitator,
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
} from "@/server/facilitator/types";
import { ERC20_TRANSFER_EVENTS } from "@/server/facilitator/receipt";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { reconcilePayments } from "./reconcile";

// Issue 24 item 3: a settlement whose outcome the request cannot prove (the settle call threw, timed
// out, lost its receipt, or the record failed after the transfer) is not booked as "nothing moved".
// The payment keeps its reservation, the buyer gets 502 settlement_pending and no content, and the
// reconciler reads the chain: a transfer that landed is booked as a charge owed back to the payer,
// one that can no longer land is released. The faults are injected around the real facilitator
// (deps.facilitators), which really sends on anvil; nothing of ours is mocked.

const database = useTestDatabase();
let h: GatewayHarness;
let real: Facilitator;

type Fault = (
  payload: PaymentPayload,
  requirements: PaymentRequirements,
) => Promise<SettleResponse>;
let fault: Fault | null = null;
const payers: Address[] = [];

const reconcile = (now = new Date()) =>
  reconcilePayments(
    {
      db: database.db,
      env: h.runtime.env,
      chains: h.runtime.chains,
      log: h.runtime.log,
      now: () => now,
    },
    { olderThanMs: 0 },
  );

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/api/early/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BEFORE_PROXY",
      },
    ],
  });
  real = h.runtime.facilitators.local!;
  // the seam: the gateway's facilitator, with a fault around the real settle when one is set
  const faulty: Facilitator = {
    kind: "LOCAL",
    verify: (payload, requirements, context) => real.verify(payload, requirements, context),
    settle: (payload, requirements, context) =>
      fault ? fault(payload, requirements) : real.settle(payload, requirements, context),
    supported: () => real.supported(),
  };
  h.runtime.facilitators = {
    local: faulty,
    hosted: null,
    forKind: (kind) => (kind === "LOCAL" ? faulty : null),
  };
});
afterAll(async () => {
  await h?.close();
});

async function paidCall(path: string, opts: { validForSeconds?: number } = {}) {
  const payer = await h.newPayer();
  payers.push(payer.address);
  const requirements = await h.requirementsFor(path);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const signed = await h.signPayment(payer, requirements, {
    validBefore: now + BigInt(opts.validForSeconds ?? 300),
  });
  const before = await h.balanceOf(payer.address);
  const upstreamCallsBefore = h.upstream.seen.length;
  const res = await h.call(path, { headers: { "payment-signature": signed.header } });
  const body = (await res.json()) as { error?: { code: string; details?: { paymentId?: string } } };
  const payment = await database.db.payment.findFirstOrThrow({
    where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
  });
  const paid = async () => before - (await h.balanceOf(payer.address));
  return {
    res,
    body,
    payment,
    payer,
    nonce: signed.nonce,
    header: signed.header,
    paid,
    upstreamCalled: h.upstream.seen.length > upstreamCallsBefore,
  };
}

function authorizationUsed(payer: Address, nonce: Hex) {
  return h.publicClient.readContract({
    address: h.token,
    abi: TEST_USDC_ABI,
    functionName: "authorizationState",
    args: [payer, nonce],
  });
}

async function expectPendingAnswer(call: Awaited<ReturnType<typeof paidCall>>) {
  expect(call.res.status).toBe(502);
  expect(call.body.error).toMatchObject({
    code: "settlement_pending",
    details: { paymentId: call.payment.id },
  });
  // unresolved: still reserved, so the same authorization cannot buy another call meanwhile
  expect(call.payment).toMatchObject({
    status: "VERIFIED",
    errorReason: "settlement_unclear",
    txHash: null,
  });
  expect(call.payment.reservationKey).not.toBeNull();
  const replay = await h.call("/api/signal/again", {
    headers: { "payment-signature": call.header },
  });
  expect(replay.status).toBe(402);
  await replay.body?.cancel();
}

async function expectReconciledAsCharged(call: Awaited<ReturnType<typeof paidCall>>, path: string) {
  expect(await call.paid()).toBe(10_000n);
  const result = await reconcile();
  expect(result.errors).toBe(0);
  const settled = await database.db.payment.findUniqueOrThrow({ where: { id: call.payment.id } });
  expect(settled.status).toBe("SETTLED");
  expect(settled.txHash).toMatch(/^0x[0-9a-f]{64}$/);
  expect(settled.refundDueReason).toMatch(/settlement_pending/);
  const usage = await database.db.usageRecord.findMany({
    where: { paymentId: call.payment.id, status: "CHARGED" },
  });
  expect(usage).toMatchObject([{ reason: "refund_due", path, httpStatus: 502 }]);
  const entries = await database.db.ledgerEntry.findMany({
    where: { paymentId: call.payment.id },
    select: { type: true },
  });
  expect(entries.map((e) => e.type).sort()).toEqual(["CHARGE", "PAYOUT"]);
  // a second pass finds nothing more to do
  expect((await reconcile()).settled).toBe(0);
}

describe("the transfer landed, but the request could not prove it", () => {
  it("the settle call sent the transfer and then threw (before its receipt)", async () => {
    fault = async (payload, requirements) => {
      await real.settle(payload, requirements);
      throw new Error("connection reset while waiting for the receipt");
    };
    const call = await paidCall("/api/signal/threw");
    await expectPendingAnswer(call);
    await expectReconciledAsCharged(call, "/api/signal/threw");
  });

  it("the receipt wait timed out (x402 v2's answer: settlement_pending with the hash)", async () => {
    fault = async (payload, requirements) => {
      const sent = await real.settle(payload, requirements);
      return {
        success: false,
        errorReason: "settlement_pending",
        errorMessage: "Timed out while waiting for transaction",
        transaction: sent.transaction,
        network: requirements.network,
      };
    };
    const call = await paidCall("/api/signal/v2-timeout");
    await expectPendingAnswer(call);
    await expectReconciledAsCharged(call, "/api/signal/v2-timeout");
  });

  it("the receipt wait timed out and the hash was lost (x402 v1's answer: the error text, no transaction)", async () => {
    fault = async (payload, requirements) => {
      await real.settle(payload, requirements);
      return {
        success: false,
        errorReason: "Timed out while waiting for transaction",
        transaction: "",
        network: requirements.network,
      };
    };
    const call = await paidCall("/api/signal/v1-timeout");
    await expectPendingAnswer(call);
    await expectReconciledAsCharged(call, "/api/signal/v1-timeout");
  });

  it("a hosted facilitator timed out after sending (facilitator_unavailable)", async () => {
    fault = async (payload, requirements) => {
      await real.settle(payload, requirements);
      return {
        success: false,
        errorReason: "facilitator_unavailable",
        errorMessage: "The operation was aborted due to timeout",
        transaction: "",
        network: requirements.network,
      };
    };
    const call = await paidCall("/api/signal/hosted-timeout");
    await expectPendingAnswer(call);
    await expectReconciledAsCharged(call, "/api/signal/hosted-timeout");
  });

  it("the receipt came, and the process stopped before the database write", async () => {
    fault = null;
    h.runtime.afterSettleHook = () => Promise.reject(new Error("killed between settle and record"));
    try {
      const call = await paidCall("/api/signal/before-record");
      await expectPendingAnswer(call);
      await expectReconciledAsCharged(call, "/api/signal/before-record");
    } finally {
      h.runtime.afterSettleHook = undefined;
    }
  });

  it("BEFORE_PROXY: the settle call threw after sending; the upstream is not called", async () => {
    fault = async (payload, requirements) => {
      await real.settle(payload, requirements);
      throw new Error("socket hang up");
    };
    const call = await paidCall("/api/early/threw");
    expect(call.upstreamCalled).toBe(false);
    await expectPendingAnswer(call);
    await expectReconciledAsCharged(call, "/api/early/threw");
  });
});

describe("nothing was sent", () => {
  it("the settle call threw before sending: kept until the authorization expires, then released", async () => {
    fault = () => Promise.reject(new Error("RPC unreachable"));
    const call = await paidCall("/api/signal/never-sent", { validForSeconds: 120 });
    await expectPendingAnswer(call);
    expect(await authorizationUsed(call.payer.address, call.nonce)).toBe(false);

    // while it could still land it stays; once expired no one can settle it, so the reservation goes
    expect(await reconcile()).toMatchObject({ released: 0, settled: 0, errors: 0 });
    expect(
      await database.db.payment.findUniqueOrThrow({ where: { id: call.payment.id } }),
    ).toMatchObject({ status: "VERIFIED" });
    const afterExpiry = new Date(call.payment.validBefore.getTime() + 1000);
    expect(await reconcile(afterExpiry)).toMatchObject({ released: 1, errors: 0 });
    const released = await database.db.payment.findUniqueOrThrow({
      where: { id: call.payment.id },
    });
    expect(released).toMatchObject({
      status: "FAILED",
      errorReason: "expired_unsettled",
      reservationKey: null,
    });
    expect(await database.db.ledgerEntry.count({ where: { paymentId: call.payment.id } })).toBe(0);
    expect(
      await database.db.usageRecord.count({
        where: { paymentId: call.payment.id, status: "CHARGED" },
      }),
    ).toBe(0);
    expect(await call.paid()).toBe(0n);
  });

  it("a refusal before sending is proof: released at once (402), and the authorization may be presented again", async () => {
    fault = (_payload, requirements) =>
      Promise.resolve({
        success: false,
        errorReason: "invalid_exact_evm_insufficient_balance",
        transaction: "",
        network: requirements.network,
      });
    const call = await paidCall("/api/signal/refused");
    expect(call.res.status).toBe(402);
    expect(call.payment).toMatchObject({
      status: "FAILED",
      errorReason: "invalid_exact_evm_insufficient_balance",
      reservationKey: null,
    });
    fault = null;
    const again = await h.call("/api/signal/refused", {
      headers: { "payment-signature": call.header },
    });
    expect(again.status).toBe(200);
    expect(await call.paid()).toBe(10_000n);
  });
});

describe("the ledger agrees with the chain", () => {
  it("every on-chain transfer of these payers has exactly one SETTLED payment, and every SETTLED payment a mined transfer", async () => {
    fault = null;
    const logs = await h.publicClient.getLogs({
      address: h.token,
      event: ERC20_TRANSFER_EVENTS[1],
      args: { authorizer: payers },
      fromBlock: 0n,
      toBlock: "latest",
    });
    expect(logs.length).toBeGreaterThanOrEqual(7);
    for (const log of logs) {
      const settled = await database.db.payment.findMany({
        where: { txHash: log.transactionHash.toLowerCase(), status: "SETTLED" },
      });
      expect(settled, `transfer ${log.transactionHash}`).toHaveLength(1);
    }
    const settled = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, status: "SETTLED" },
    });
    expect(settled).toHaveLength(logs.length);
    for (const payment of settled) {
      const receipt = await h.publicClient.getTransactionReceipt({ hash: payment.txHash as Hex });
      expect(receipt.status).toBe("success");
    }
    expect(
      await database.db.payment.count({
        where: { merchantId: h.merchant.id, status: { in: ["PENDING", "VERIFIED"] } },
      }),
    ).toBe(0);
  });
});
