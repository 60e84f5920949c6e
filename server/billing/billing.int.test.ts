import { createWalletClient, http, parseEther, toHex, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { setMerchantSettlementMode } from "@/server/admin/merchants";
import { AppError } from "@/server/errors";
import {
  createGatewayHarness,
  fundedAccount,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { billingDeps } from "./deps";
import { createRefund, submitDirectRefundTx } from "./refunds";
import { processSettlementRun, startSettlementRun } from "./settlement-runs";
import { merchantStatement } from "./statements";

// Billing on a real chain: a 2.5 % platform fee written with each settlement, the monthly
// statement to the atomic unit, settlement runs paying PLATFORM-mode merchants from the treasury
// (once, whatever is re-run; refused cleanly without funds or gas), and refunds in both modes.

const database = useTestDatabase();
const PRICE = 10_000n;
const FEE = 250n; // 2.5 % of 0.01 USDC
const admin = { userId: null, role: "PLATFORM_ADMIN" };

let platform: GatewayHarness;
let direct: GatewayHarness;
let treasury: PrivateKeyAccount & { privateKey: Hex };
let directWallet: PrivateKeyAccount & { privateKey: Hex };

const month = () => new Date().toISOString().slice(0, 7);
const deps = (h: GatewayHarness) => billingDeps(h.deps);

async function feeTemplate(bps: number): Promise<string> {
  const id = `fee_test_${bps}_${Date.now()}`;
  await database.db.feeTemplate.create({
    data: {
      id,
      name: `Test ${id}`,
      versions: {
        create: { id: `${id}_v1`, bps, effectiveFrom: new Date(Date.now() - 86_400_000) },
      },
    },
  });
  return id;
}

async function pay(h: GatewayHarness, payer: PrivateKeyAccount, path: string): Promise<string> {
  const requirements = await h.requirementsFor(path);
  const { header } = await h.signPayment(payer, requirements);
  const res = await h.call(path, { headers: { "payment-signature": header } });
  expect(res.status).toBe(200);
  return res.headers.get("x-request-id") ?? "";
}

async function paymentOf(h: GatewayHarness, payer: Address) {
  return database.db.payment.findFirstOrThrow({
    where: {
      merchantId: h.merchant.id,
      payer: payer.toLowerCase(),
      status: { in: ["SETTLED", "REFUNDED"] },
    },
    orderBy: { createdAt: "desc" },
  });
}

async function send(
  from: PrivateKeyAccount,
  h: GatewayHarness,
  to: Address,
  amount: bigint,
): Promise<Hex> {
  const wallet = createWalletClient({
    account: from,
    chain: h.publicClient.chain,
    transport: http(h.rpcUrl),
  });
  const hash = await wallet.writeContract({
    address: h.token,
    abi: TEST_USDC_ABI,
    functionName: "transfer",
    args: [to, amount],
    chain: h.publicClient.chain,
    account: from,
  });
  await h.publicClient.waitForTransactionReceipt({ hash });
  return hash;
}

beforeAll(async () => {
  const probe = await createGatewayHarness(database.db, { rules: [] });
  treasury = await fundedAccount(probe.publicClient, probe.rpcUrl, probe.token, "0");
  directWallet = await fundedAccount(probe.publicClient, probe.rpcUrl, probe.token, "1");
  await probe.close();
  const env = {
    PLATFORM_PAYOUT_ADDRESS: treasury.address,
    TREASURY_PRIVATE_KEY: treasury.privateKey,
  };
  const rules = [
    { pathPattern: "/api/signal/*", method: "GET" as const, price: "0.01", network: "", asset: "" },
  ];
  platform = await createGatewayHarness(database.db, {
    rules,
    env,
    merchant: { settlementMode: "PLATFORM", feeTemplateId: await feeTemplate(250) },
  });
  direct = await createGatewayHarness(database.db, {
    rules,
    env,
    merchant: {
      payoutAddress: directWallet.address.toLowerCase(),
      feeTemplateId: await feeTemplate(250),
    },
  });
});
afterAll(async () => {
  await platform?.close();
  await direct?.close();
});

describe("a PLATFORM-mode merchant with a 2.5 % fee", () => {
  it("has a statement to the atomic unit and is paid its net once by a settlement run", async () => {
    const payer = await platform.newPayer("1");
    for (const symbol of ["a", "b", "c"]) await pay(platform, payer, `/api/signal/${symbol}`);
    const before = await merchantStatement(deps(platform), {
      merchantId: platform.merchant.id,
      month: month(),
    });
    expect(before.lines).toMatchObject([
      {
        gross: String(3n * PRICE),
        fees: String(3n * FEE),
        refunds: "0",
        net: String(3n * (PRICE - FEE)),
        payouts: "0",
        closing: String(3n * (PRICE - FEE)),
        paidCalls: 3,
        symbol: "USDC",
      },
    ]);

    const walletBefore = await platform.balanceOf(platform.merchantWallet);
    const period = { periodStart: new Date(Date.now() - 86_400_000), periodEnd: new Date() };
    const { runId } = await startSettlementRun(deps(platform), { ...period, actor: admin });
    const progress = await processSettlementRun(deps(platform), { runId });
    expect(progress).toMatchObject({ status: "COMPLETED", failed: 0 });
    expect(await platform.balanceOf(platform.merchantWallet)).toBe(
      walletBefore + 3n * (PRICE - FEE),
    );
    const after = await merchantStatement(deps(platform), {
      merchantId: platform.merchant.id,
      month: month(),
    });
    expect(after.lines[0]).toMatchObject({ payouts: String(3n * (PRICE - FEE)), closing: "0" });

    // the same period again resumes the same run; a later period finds nothing owed: nothing is paid twice
    const again = await startSettlementRun(deps(platform), { ...period, actor: admin });
    expect(again).toEqual({ runId, created: false });
    await processSettlementRun(deps(platform), { runId });
    const later = await startSettlementRun(deps(platform), {
      periodStart: period.periodStart,
      periodEnd: new Date(),
      actor: admin,
    });
    expect(await processSettlementRun(deps(platform), { runId: later.runId })).toMatchObject({
      status: "COMPLETED",
      confirmed: 0,
      paidAtomic: "0",
    });
    expect(await platform.balanceOf(platform.merchantWallet)).toBe(
      walletBefore + 3n * (PRICE - FEE),
    );
    expect(await database.db.payout.count({ where: { merchantId: platform.merchant.id } })).toBe(1);
    expect(
      await database.db.ledgerEntry.count({
        where: { merchantId: platform.merchant.id, type: "PAYOUT" },
      }),
    ).toBe(1);
  });

  it("refuses a payout cleanly when the treasury lacks funds or gas, and pays it once they are back", async () => {
    const payer = await platform.newPayer("1");
    await pay(platform, payer, "/api/signal/d");
    const walletBefore = await platform.balanceOf(platform.merchantWallet);
    const held = await platform.balanceOf(treasury.address);
    const parking = await platform.newPayer("0");
    await send(treasury, platform, parking.address, held); // the treasury is emptied

    const period = { periodStart: new Date(Date.now() - 86_400_000), periodEnd: new Date() };
    const { runId } = await startSettlementRun(deps(platform), { ...period, actor: admin });
    expect(await processSettlementRun(deps(platform), { runId })).toMatchObject({
      status: "FAILED",
      failed: 1,
    });
    expect(await database.db.payout.findFirstOrThrow({ where: { runId } })).toMatchObject({
      status: "FAILED",
      error: expect.stringContaining("treasury_insufficient_funds"),
    });
    expect(await database.db.ledgerEntry.count({ where: { payout: { runId } } })).toBe(0);

    await send(parking, platform, treasury.address, held);
    await platform.publicClient.request({
      method: "anvil_setBalance" as never,
      params: [treasury.address, "0x0"] as never,
    });
    expect(await processSettlementRun(deps(platform), { runId })).toMatchObject({
      status: "FAILED",
      failed: 1,
    });
    expect(await database.db.payout.findFirstOrThrow({ where: { runId } })).toMatchObject({
      status: "FAILED",
      error: expect.stringContaining("treasury_insufficient_gas"),
    });
    expect(await platform.balanceOf(platform.merchantWallet)).toBe(walletBefore);

    await platform.publicClient.request({
      method: "anvil_setBalance" as never,
      params: [treasury.address, toHex(parseEther("10"))] as never,
    });
    expect(await processSettlementRun(deps(platform), { runId })).toMatchObject({
      status: "COMPLETED",
      confirmed: 1,
      paidAtomic: String(PRICE - FEE),
    });
    expect(await platform.balanceOf(platform.merchantWallet)).toBe(walletBefore + PRICE - FEE);
  });

  it("refunds from the treasury, partly then fully, and refuses refunding more than was paid", async () => {
    const payer = await platform.newPayer("1");
    await pay(platform, payer, "/api/signal/r");
    const payment = await paymentOf(platform, payer.address);
    const before = await platform.balanceOf(payer.address);

    const part = await createRefund(deps(platform), {
      actor: admin,
      input: { paymentId: payment.id, amountAtomic: "4000", reason: "partial outage" },
    });
    expect(part).toMatchObject({ status: "COMPLETED", paidBy: "treasury", amountAtomic: "4000" });
    expect(await platform.balanceOf(payer.address)).toBe(before + 4_000n);

    const over = await createRefund(deps(platform), {
      actor: admin,
      input: { paymentId: payment.id, amountAtomic: "7000", reason: "too much" },
    }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(AppError);
    expect((over as AppError).message).toMatch(/At most 6000/);

    const rest = await createRefund(deps(platform), {
      actor: admin,
      input: { paymentId: payment.id, reason: "the rest" },
    });
    expect(rest).toMatchObject({ status: "COMPLETED", amountAtomic: "6000" });
    expect(await platform.balanceOf(payer.address)).toBe(before + PRICE);
    expect(
      await database.db.payment.findUniqueOrThrow({ where: { id: payment.id } }),
    ).toMatchObject({ status: "REFUNDED" });

    const twice = await createRefund(deps(platform), {
      actor: admin,
      input: { paymentId: payment.id, reason: "again" },
    }).catch((e: unknown) => e);
    expect((twice as AppError).message).toMatch(/already refunded in full/);
    expect(
      await database.db.ledgerEntry.findMany({
        where: { paymentId: payment.id, type: "REFUND" },
        select: { amountAtomic: true },
      }),
    ).toHaveLength(2);
  });
});

describe("a DIRECT-mode merchant", () => {
  it("is paid directly; its fee is what it owes on the statement", async () => {
    const payer = await direct.newPayer("1");
    const walletBefore = await direct.balanceOf(directWallet.address);
    await pay(direct, payer, "/api/signal/x");
    expect(await direct.balanceOf(directWallet.address)).toBe(walletBefore + PRICE);
    const statement = await merchantStatement(deps(direct), {
      merchantId: direct.merchant.id,
      month: month(),
    });
    expect(statement.lines[0]).toMatchObject({
      gross: String(PRICE),
      fees: String(FEE),
      net: String(PRICE - FEE),
      payouts: String(PRICE),
      closing: String(-FEE),
    });
  });

  it("records a refund as owed by the merchant and completes it only for a transaction that pays the payer back", async () => {
    const payer = await direct.newPayer("1");
    await pay(direct, payer, "/api/signal/y");
    const payment = await paymentOf(direct, payer.address);
    const refund = await createRefund(deps(direct), {
      merchantId: direct.merchant.id,
      actor: { userId: null, role: "OWNER" },
      input: { paymentId: payment.id, reason: "customer asked" },
    });
    expect(refund).toMatchObject({
      status: "PENDING",
      paidBy: "merchant",
      amountAtomic: String(PRICE),
    });
    const submit = (txHash: string) =>
      submitDirectRefundTx(deps(direct), {
        merchantId: direct.merchant.id,
        actor: { userId: null, role: "OWNER" },
        input: { refundId: refund.id, txHash },
      }).catch((e: unknown) => e);

    expect(((await submit(`0x${"12".repeat(32)}`)) as AppError).message).toMatch(
      /No mined transaction/,
    );
    const elsewhere = await send(directWallet, direct, (await direct.newPayer("0")).address, PRICE);
    expect(((await submit(elsewhere)) as AppError).message).toMatch(
      /sends none of the payment's token/,
    );
    const tooLittle = await send(directWallet, direct, payer.address, PRICE - 1n);
    expect(((await submit(tooLittle)) as AppError).message).toMatch(/the refund is 10000/);

    const good = await send(directWallet, direct, payer.address, PRICE);
    expect(await submit(good)).toMatchObject({ status: "COMPLETED", txHash: good.toLowerCase() });
    expect(
      await database.db.payment.findUniqueOrThrow({ where: { id: payment.id } }),
    ).toMatchObject({ status: "REFUNDED" });
    expect(((await submit(good)) as AppError).message).toMatch(/not waiting/);
    const statement = await merchantStatement(deps(direct), {
      merchantId: direct.merchant.id,
      month: month(),
    });
    // two paid calls, one refunded by the merchant itself: the fees stay owed
    expect(statement.lines[0]).toMatchObject({
      gross: String(2n * PRICE),
      refunds: String(PRICE),
      fees: String(2n * FEE),
      closing: String(-2n * FEE),
    });
  });

  it("can be switched to PLATFORM by an admin: the next 402 asks for payment to the treasury", async () => {
    expect((await direct.requirementsFor("/api/signal/z")).payTo.toLowerCase()).toBe(
      directWallet.address.toLowerCase(),
    );
    await setMerchantSettlementMode(
      { db: database.db },
      { actor: admin, merchantId: direct.merchant.id, mode: "PLATFORM" },
    );
    expect((await direct.requirementsFor("/api/signal/z")).payTo.toLowerCase()).toBe(
      treasury.address.toLowerCase(),
    );
    const audit = await database.db.auditLog.findFirstOrThrow({
      where: { merchantId: direct.merchant.id, action: "merchant.settlement_mode.update" },
    });
    expect(audit).toMatchObject({
      before: { settlementMode: "DIRECT" },
      after: { settlementMode: "PLATFORM" },
    });
    await setMerchantSettlementMode(
      { db: database.db },
      { actor: admin, merchantId: direct.merchant.id, mode: "DIRECT" },
    );
  });
});
