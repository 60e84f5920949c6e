import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// Transactions as the console reads them, after real paid calls through the gateway.

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;
let outsider: SessionUser;
let outsiderMerchant: string;

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  outsider = await signUpWithPassword(testDeps(database.db), {
    name: "Out",
    email: uniqueEmail("out"),
    password: "correct horse battery",
  });
  outsiderMerchant = (
    await callerFor(testDeps(database.db), outsider).merchants.create({
      name: "Other",
      upstreamBaseUrl: "https://api.example.com",
      payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    })
  ).id;
  const payer = await h.newPayer();
  for (const path of ["/api/signal/btc", "/api/signal/eth", "/api/fail"]) {
    const requirements = await h.requirementsFor(path);
    const { header } = await h.signPayment(payer, requirements);
    await (await h.call(path, { headers: { "payment-signature": header } })).text();
  }
});
afterAll(async () => {
  await h?.close();
});

const deps = () => testDeps(database.db, { env: h.runtime.env as never });

describe("transactions", () => {
  it("lists the merchant's payments newest first, filtered by status and path, paged", async () => {
    const api = callerFor(deps(), owner).transactions;
    const all = await api.list({ merchantId: h.merchant.id });
    expect(all.items.map((t) => t.status)).toEqual(["FAILED", "SETTLED", "SETTLED"]);
    const settled = await api.list({ merchantId: h.merchant.id, status: "SETTLED" });
    expect(settled.items).toHaveLength(2);
    expect(settled.items[0]).toMatchObject({
      amountAtomic: "10000",
      assetSymbol: "USDC",
      decimals: 6,
      network: h.network,
    });
    expect(settled.items[0]?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(
      (await api.list({ merchantId: h.merchant.id, path: "/api/signal/eth" })).items,
    ).toHaveLength(1);
    const first = await api.list({ merchantId: h.merchant.id, limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await api.list({
      merchantId: h.merchant.id,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it("shows one payment with its usage records and ledger entries", async () => {
    const api = callerFor(deps(), owner).transactions;
    const [latestSettled] = (await api.list({ merchantId: h.merchant.id, status: "SETTLED" }))
      .items;
    const detail = await api.get({ merchantId: h.merchant.id, id: latestSettled!.id });
    expect(detail.usage).toMatchObject([{ status: "CHARGED", httpStatus: 200 }]);
    // a DIRECT merchant: the charge, and its payout straight to the merchant's wallet
    expect(detail.ledger).toHaveLength(2);
    expect(detail.ledger).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "CHARGE", amountAtomic: "10000" }),
        expect.objectContaining({ type: "PAYOUT", amountAtomic: "-10000" }),
      ]),
    );
    expect(detail.blockNumber).toMatch(/^\d+$/);
  });

  it("exports the same filter as CSV with exact atomic amounts", async () => {
    const csv = await callerFor(deps(), owner).transactions.exportCsv({
      merchantId: h.merchant.id,
      status: "SETTLED",
    });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "id,createdAt,status,payer,amountAtomic,assetSymbol,network,txHash,resource,errorReason",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(",SETTLED,");
    expect(lines[1]).toContain(",10000,USDC,");
  });

  it("never shows one merchant's transactions to another", async () => {
    const [payment] = (
      await callerFor(deps(), owner).transactions.list({ merchantId: h.merchant.id })
    ).items;
    for (const call of [
      () => callerFor(deps(), outsider).transactions.list({ merchantId: h.merchant.id }),
      () =>
        callerFor(deps(), outsider).transactions.get({
          merchantId: outsiderMerchant,
          id: payment!.id,
        }),
      () => callerFor(deps(), outsider).transactions.exportCsv({ merchantId: h.merchant.id }),
    ]) {
      const err = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("NOT_FOUND");
    }
    expect(
      (await callerFor(deps(), outsider).transactions.list({ merchantId: outsiderMerchant })).items,
    ).toEqual([]);
  });
});
