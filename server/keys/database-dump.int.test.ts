import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { getAddress, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { setMerchantSettlementMode } from "@/server/admin/merchants";
import { billingDeps } from "@/server/billing/deps";
import { processSettlementRun, startSettlementRun } from "@/server/billing/settlement-runs";
import type { PrismaClient } from "@/server/db";
import { updateMerchantSettings } from "@/server/merchants/merchants";
import { revealSigningSecret } from "@/server/merchants/signing-secrets";
import { setUpstreamCredential } from "@/server/merchants/upstream-credentials";
import { settleDeferredPayments } from "@/server/payments/deferred";
import {
  createGatewayHarness,
  fundedAccount,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { merchantOwner, useTestDatabase } from "@/server/testing/int";
import { signInWithWallet } from "@/server/users/users";
import { createWebhookEndpoint } from "@/server/webhooks/webhooks";

// Secrets at rest, checked the way an attacker holding a database dump would: every row of every
// table as text, searched for each secret and address in clear — as written, lower-cased, as the
// bare 40 hex digits (how calldata carries an address), and inside anything base64 or hex encoded.
// The values are made through the real flows: a payout address changed in the console, paid DIRECT,
// DEFERRED (queued, then settled) and PLATFORM calls on the chain, a settlement-run payout from the
// treasury, a wallet sign-in, a webhook, the gateway signing secret and an upstream credential.

const database = useTestDatabase();
let h: GatewayHarness;
let treasury: PrivateKeyAccount & { privateKey: Hex };
let payer: PrivateKeyAccount;
const secrets: Record<string, string> = {};
const addresses: Record<string, string> = {};

async function pay(path: string, paymentIdentifier?: string): Promise<void> {
  const requirements = await h.requirementsFor(path);
  const { header } = await h.signPayment(payer, requirements, { paymentIdentifier });
  const res = await h.call(path, { headers: { "payment-signature": header } });
  expect(res.status).toBe(200);
  await res.body?.cancel();
}

/** Every row of every table in the database's schema, as JSON text (PGlite and PostgreSQL alike). */
async function dumpDatabase(db: PrismaClient): Promise<{ tables: string[]; text: string }> {
  const tables = (
    await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  ).map((t) => t.name);
  const lines: string[] = [];
  for (const table of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS row FROM "${table.replace(/"/g, '""')}" t`,
    );
    for (const { row } of rows) lines.push(`${table} ${row}`);
  }
  return { tables, text: lines.join("\n") };
}

/** The dump's text plus what its base64 and hex tokens decode to (JSON escapes undone first). */
function decodedViews(text: string): string[] {
  const plain = text.replace(/\\\\/g, "\\");
  const views = [plain.toLowerCase()];
  for (const token of plain.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    const bytes = Buffer.from(token.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    views.push(bytes.toString("latin1").toLowerCase(), bytes.toString("hex"));
  }
  for (const token of plain.match(/\\x([0-9a-fA-F]{2})+/g) ?? [])
    views.push(Buffer.from(token.slice(2), "hex").toString("latin1").toLowerCase());
  return views;
}

/** Where a value shows: as written, lower-cased, and for an address its bare hex digits. */
function findIn(views: string[], value: string): boolean {
  const needles = [value.toLowerCase()];
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) needles.push(value.slice(2).toLowerCase());
  return views.some((view) => needles.some((needle) => view.includes(needle)));
}

beforeAll(async () => {
  const probe = await createGatewayHarness(database.db, { rules: [] });
  treasury = await fundedAccount(probe.publicClient, probe.rpcUrl, probe.token, "0");
  await probe.close();
  h = await createGatewayHarness(database.db, {
    env: { PLATFORM_PAYOUT_ADDRESS: treasury.address, TREASURY_PRIVATE_KEY: treasury.privateKey },
    merchant: { deferredSettlementOn: true },
    rules: [
      { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network: "", asset: "" },
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
  const owner = await merchantOwner(database.db, h.merchant.id);
  const actor = { userId: owner.id, role: "OWNER" };
  payer = await h.newPayer("1");

  // the payout address as the console sets it (checksummed): the old one goes to the audit log's "before"
  addresses.firstPayoutAddress = h.merchantWallet;
  addresses.payoutAddress = getAddress(privateKeyToAccount(generatePrivateKey()).address);
  await updateMerchantSettings(h.deps, {
    merchantId: h.merchant.id,
    actor,
    payoutChange: { allowed: true },
    input: { name: "Signals Inc", payoutAddress: addresses.payoutAddress.toLowerCase() },
  });
  h.runtime.merchants.invalidate(h.merchant.id);

  addresses.walletUser = privateKeyToAccount(generatePrivateKey()).address;
  const signedIn = await signInWithWallet(h.deps, addresses.walletUser);
  expect(signedIn.ok).toBe(true);

  secrets.webhook = (
    await createWebhookEndpoint(h.deps, {
      merchantId: h.merchant.id,
      actor,
      input: { url: "https://hooks.example.com/dump", events: ["payment.settled"] },
    })
  ).secret;
  secrets.upstreamCredential = "upstream-api-key-d4e5f6a7b8c9d0e1";
  await setUpstreamCredential(h.deps, {
    merchantId: h.merchant.id,
    actor,
    input: { location: "HEADER", name: "x-api-key", value: secrets.upstreamCredential },
  });

  // with a payment identifier: the recorded outcome keeps the base64 PAYMENT-RESPONSE (it names the payer)
  await pay("/api/signal/direct", `dump_${Date.now()}_0000000000`);
  await pay("/api/deferred/queued");
  await pay("/api/deferred/settled");
  secrets.signingSecret = (
    await revealSigningSecret(h.deps, { merchantId: h.merchant.id, actor })
  ).secret;
  // one DEFERRED payment settled by the queue (its payTo put back from the sealed column), one left queued
  const queued = await database.db.payment.findMany({
    where: { merchantId: h.merchant.id, settlementPolicy: "DEFERRED" },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  await database.db.payment.update({
    where: { id: queued[0]!.id },
    data: { nextSettleAt: new Date(Date.now() + 3_600_000) },
  });
  const settled = await settleDeferredPayments(
    {
      db: database.db,
      env: h.runtime.env,
      chains: h.runtime.chains,
      facilitators: h.runtime.facilitators,
      log: h.runtime.log,
      now: () => new Date(),
    },
    { leaseMs: 0 },
  );
  expect(settled).toMatchObject({ claimed: 1, settled: 1, errors: 0 });

  // PLATFORM mode: paid to the treasury, then paid out to the merchant by a settlement run
  await setMerchantSettlementMode(h.deps, {
    actor: { role: "PLATFORM_ADMIN" },
    merchantId: h.merchant.id,
    mode: "PLATFORM",
  });
  h.runtime.merchants.invalidate(h.merchant.id);
  await pay("/api/signal/platform");
  const billing = billingDeps(h.deps);
  const { runId } = await startSettlementRun(billing, {
    periodStart: new Date(Date.now() - 86_400_000),
    periodEnd: new Date(),
    actor: { role: "PLATFORM_ADMIN" },
  });
  expect(await processSettlementRun(billing, { runId })).toMatchObject({
    status: "COMPLETED",
    confirmed: 1,
  });
  // the new wallet got the two settled DIRECT calls and the payout: every sealed address was opened right
  const payout = await database.db.payout.findFirstOrThrow({ where: { runId } });
  expect(await h.balanceOf(addresses.payoutAddress as Hex)).toBe(
    2n * 10_000n + BigInt(payout.amountAtomic.toFixed()),
  );
});
afterAll(async () => {
  await h?.close();
});

describe("a database dump", () => {
  it("shows no secret and no merchant or user wallet address, in clear or merely encoded", async () => {
    const dump = await dumpDatabase(database.db);
    // the dump covers the rows the flows wrote
    expect(dump.tables).toEqual(
      expect.arrayContaining([
        "Merchant",
        "User",
        "Payment",
        "Payout",
        "WebhookEndpoint",
        "GatewaySigningSecret",
        "UpstreamCredential",
        "AuditLog",
        "WebhookDelivery",
      ]),
    );
    expect(
      await database.db.payment.count({ where: { merchantId: h.merchant.id, status: "SETTLED" } }),
    ).toBe(3);
    expect(
      await database.db.payment.count({
        where: { merchantId: h.merchant.id, status: "VERIFIED", settlementPolicy: "DEFERRED" },
      }),
    ).toBe(1);
    expect(
      await database.db.payout.count({ where: { merchantId: h.merchant.id, status: "CONFIRMED" } }),
    ).toBe(1);
    expect(dump.text).toContain(h.merchant.id);

    const views = decodedViews(dump.text);
    // the search finds what is meant to be there: payers stay in clear (replay guard, per-payer
    // limits, rollups), in the payment rows and inside the base64 PAYMENT-RESPONSE values
    expect(findIn([dump.text.toLowerCase()], payer.address)).toBe(true);
    expect(
      views.slice(1).some((view) => view.includes(`"payer":"${payer.address.toLowerCase()}"`)),
    ).toBe(true);

    const leaks = [...Object.entries(secrets), ...Object.entries(addresses)]
      .filter(([, value]) => findIn(views, value))
      .map(([name]) => name);
    expect(leaks).toEqual([]);
    expect(Object.keys(secrets)).toHaveLength(3);
    expect(Object.keys(addresses)).toHaveLength(3);
  });

  it("still serves every one of them through the app, opened with the key", async () => {
    const merchant = await database.db.merchant.findUniqueOrThrow({
      where: { id: h.merchant.id },
      select: { payoutAddressKeyId: true },
    });
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, status: "SETTLED" },
      orderBy: { createdAt: "asc" },
      include: { ledgerEntries: true },
    });
    expect(merchant.payoutAddressKeyId).toMatch(/^[0-9a-f]{12}$/);
    // paid to the merchant's own wallet: the ledger knew it from the sealed payTo and payout address
    expect(payment.ledgerEntries.map((e) => e.type)).toEqual(
      expect.arrayContaining(["CHARGE", "PAYOUT"]),
    );
    const again = await signInWithWallet(h.deps, addresses.walletUser!.toLowerCase());
    expect(again.ok && again.user.walletAddress).toBe(addresses.walletUser!.toLowerCase());
    expect(await database.db.user.count({ where: { walletAddressHash: { not: null } } })).toBe(1);
  });
});
