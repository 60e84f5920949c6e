import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { adminListMerchants } from "@/server/admin/merchants";
import { listSettlementRuns } from "@/server/billing/settlement-runs";
import { listTransactions } from "@/server/billing/transactions";
import {
  encryptionKeyId,
  openSecret,
  sealSecret,
  UnknownEncryptionKeyError,
} from "@/server/crypto/secrets";
import { createPrismaClient } from "@/server/db/client";
import type { PrismaClient } from "@/server/db";
import { loadReceiptSigner } from "@/server/receipts/keys";
import { createId } from "@/server/db/ids";
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  openBlankPglite,
} from "@/server/db/schema-engine";
import type { Deps } from "@/server/deps";
import { createMerchant, getMerchant } from "@/server/merchants/merchants";
import { loadSigningSecrets, revealSigningSecret } from "@/server/merchants/signing-secrets";
import {
  loadInjectedCredentials,
  setUpstreamCredential,
} from "@/server/merchants/upstream-credentials";
import { reservePayment } from "@/server/payments/ledger";
import { openPayload, openPayTo } from "@/server/payments/sealed-payment";
import { testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signInWithWallet, signUpWithPassword } from "@/server/users/users";
import { createWebhookEndpoint, endpointSecret } from "@/server/webhooks/webhooks";

import { rotateEncryptionKeys, sealLegacyValues, type ColumnReport } from "./rotate-keys";
import { ident, SEALED_COLUMNS } from "./sealed-columns";
import { createApiKey } from "@/server/api-keys/api-keys";
import {
  readHostedFacilitatorConfig,
  saveHostedFacilitatorSettings,
} from "@/server/facilitator/hosted/hosted-settings";
import { claimIdempotencyKey, completeIdempotencyKey } from "@/server/public-api/idempotency";
import { pgliteSql } from "./sql";

// Key rotation end to end on the real database: values sealed under key A through the domain
// functions; ENCRYPTION_KEY becomes B with A in ENCRYPTION_KEYS_PREVIOUS; keys:rotate re-seals
// everything under B and recomputes the lookup hashes; then, with A gone from the environment,
// every value still opens and every lookup still finds its row; a second run changes nothing.

const database = useTestDatabase();
const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const idA = encryptionKeyId(keyA);
const idB = encryptionKeyId(keyB);
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const PAYMENTS = 23;
const BATCH = 7;
let receiptKid = "";

const underA = () =>
  testDeps(database.db, {
    env: testEnv({
      ENCRYPTION_KEY: keyA,
      LOCAL_TOKEN_ADDRESS: TOKEN,
      AUTO_APPROVE_MERCHANTS: "true",
    }),
  });
const rotating = () =>
  testDeps(database.db, {
    env: testEnv({
      ENCRYPTION_KEY: keyB,
      ENCRYPTION_KEYS_PREVIOUS: keyA,
      LOCAL_TOKEN_ADDRESS: TOKEN,
    }),
  });
const onlyB = () =>
  testDeps(database.db, { env: testEnv({ ENCRYPTION_KEY: keyB, LOCAL_TOKEN_ADDRESS: TOKEN }) });

const payoutAddress = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const wallet = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const values = {
  hostedToken: "hosted-facilitator-token-0123456789",
  idempotentBody: '{"key":"x4g_live_rotating_secret"}',
  webhookSecret: "",
  signingSecret: "",
  credential: "upstream-key-0123456789abcdef",
  signedTx: "0x02f8b0827a6980843b9aca00",
};
let merchantId = "";
let walletUserId = "";
let webhookId = "";
let runId = "";
let idempotencyKeyId = "";

/** Every sealed column's key ids and ciphertexts, to compare runs. */
async function sealedState(db: PrismaClient): Promise<string> {
  const parts: string[] = [];
  for (const c of SEALED_COLUMNS) {
    const rows = await db.$queryRawUnsafe<unknown[]>(
      `SELECT "id", ${ident(c.keyId)} AS k, ${ident(c.ciphertext)} AS v${c.hash ? `, ${ident(c.hash)} AS h` : ""} FROM ${ident(c.table)} ORDER BY "id"`,
    );
    parts.push(JSON.stringify(rows));
  }
  return parts.join("\n");
}

/** How many values of each column are sealed under each key id. */
async function keyIdCounts(db: PrismaClient): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of SEALED_COLUMNS) {
    const rows = await db.$queryRawUnsafe<{ k: string; n: number }[]>(
      `SELECT ${ident(c.keyId)} AS k, count(*)::int AS n FROM ${ident(c.table)} WHERE ${ident(c.keyId)} IS NOT NULL GROUP BY 1`,
    );
    out[`${c.table}.${c.ciphertext}`] = Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }
  return out;
}

const byColumn = (reports: ColumnReport[]) =>
  Object.fromEntries(reports.map((r) => [`${r.table} ${r.label}`, r]));

async function everythingOpens(deps: Deps): Promise<void> {
  expect(
    await claimIdempotencyKey(deps, {
      apiKeyId: idempotencyKeyId,
      merchantId,
      key: "rotate-idem",
      requestHash: "h",
    }),
  ).toEqual({ kind: "replay", status: 200, body: values.idempotentBody });
  expect((await getMerchant(deps, { merchantId })).payoutAddress).toBe(payoutAddress.toLowerCase());
  // the equality lookups go through the keyed hashes, recomputed under B
  const signedIn = await signInWithWallet(deps, wallet);
  expect(signedIn.ok && signedIn.user).toMatchObject({
    id: walletUserId,
    walletAddress: wallet.toLowerCase(),
  });
  const found = await adminListMerchants(deps, {
    search: payoutAddress.toUpperCase().replace("0X", "0x"),
    limit: 25,
  });
  expect(found.items.map((m) => m.id)).toEqual([merchantId]);
  expect(await endpointSecret(deps, { merchantId, endpointId: webhookId })).toBe(
    values.webhookSecret,
  );
  expect((await loadSigningSecrets(deps, { merchantId })).map((s) => s.secret)).toEqual([
    values.signingSecret,
  ]);
  expect(
    (await loadInjectedCredentials(deps.db, deps.env, merchantId)).map((c) => c.value),
  ).toEqual([values.credential]);
  const payments = await listTransactions(deps, { merchantId, limit: 100 });
  expect(payments.items).toHaveLength(PAYMENTS);
  expect(new Set(payments.items.map((p) => p.payTo))).toEqual(
    new Set([payoutAddress.toLowerCase()]),
  );
  for (const row of await deps.db.payment.findMany({
    where: { merchantId },
    select: {
      payloadCiphertext: true,
      payloadKeyId: true,
      payToCiphertext: true,
      payToKeyId: true,
      requestId: true,
    },
  })) {
    expect(openPayload(row, deps.env)).toBe(`payload-of-${row.requestId}`);
    expect(openPayTo(row, deps.env)).toBe(payoutAddress.toLowerCase());
  }
  const [run] = await listSettlementRuns(deps);
  expect(run?.payouts.map((p) => p.toAddress)).toEqual([payoutAddress.toLowerCase()]);
  expect((await readHostedFacilitatorConfig(deps)).config).toEqual({
    url: "https://facilitator.example/x402",
    bearerToken: values.hostedToken,
  });
  const payout = await deps.db.payout.findFirstOrThrow({ where: { runId } });
  expect(
    openSecret(
      { ciphertext: payout.signedTxCiphertext ?? "", keyId: payout.signedTxKeyId ?? "" },
      deps.env,
    ),
  ).toBe(values.signedTx);
}

beforeAll(async () => {
  const deps = underA();
  const owner = await signUpWithPassword(deps, {
    name: "Owner",
    email: uniqueEmail("rotate"),
    password: "a long enough password",
  });
  const actor = { userId: owner.id, role: "OWNER" };
  merchantId = (
    await createMerchant(deps, {
      userId: owner.id,
      actor,
      input: {
        name: "Rotating Inc",
        upstreamBaseUrl: "https://api.example.com",
        payoutAddress: payoutAddress.toLowerCase(),
        settlementMode: "DIRECT",
      },
    })
  ).id;
  const signedIn = await signInWithWallet(deps, wallet);
  if (!signedIn.ok) throw new Error("wallet sign-in failed");
  walletUserId = signedIn.user.id;
  const hook = await createWebhookEndpoint(deps, {
    merchantId,
    actor,
    input: { url: "https://hooks.example.com/rotate", events: ["payment.settled"] },
  });
  webhookId = hook.endpoint.id;
  values.webhookSecret = hook.secret;
  await loadSigningSecrets(deps, { merchantId });
  values.signingSecret = (await revealSigningSecret(deps, { merchantId, actor })).secret;
  await setUpstreamCredential(deps, {
    merchantId,
    actor,
    input: { location: "HEADER", name: "x-api-key", value: values.credential },
  });
  for (let i = 0; i < PAYMENTS; i += 1) {
    const requestId = createId("request");
    const reserved = await reservePayment(
      deps.db,
      {
        merchantId,
        ruleId: null,
        x402Version: 2,
        scheme: "exact",
        network: "eip155:31337",
        asset: TOKEN,
        payer: `0x${String(i + 1).padStart(40, "0")}`,
        payTo: payoutAddress,
        amountAtomic: 10_000n,
        requiredAmountAtomic: 10_000n,
        nonce: `0x${randomBytes(32).toString("hex")}`,
        validAfter: 0n,
        validBefore: 4_000_000_000n,
        payloadEncoded: `payload-of-${requestId}`,
        facilitator: "LOCAL",
        settlementPolicy: "AFTER_SUCCESS",
        resource: "https://gw.example/x",
        requestId,
      },
      deps.env,
    );
    expect(reserved.ok).toBe(true);
  }
  // a payout as a settlement run stores it (destination and signed bytes sealed)
  // a replayable public-API response (the created key it holds is sealed with it)
  const apiKey = await createApiKey(deps, {
    merchantId,
    actor,
    grantor: { kind: "role", role: "OWNER" },
    name: "rotating",
    scopes: ["keys:manage"],
  });
  const claim = await claimIdempotencyKey(deps, {
    apiKeyId: apiKey.apiKey.id,
    merchantId,
    key: "rotate-idem",
    requestHash: "h",
  });
  if (claim.kind !== "claimed") throw new Error("idempotency claim failed");
  idempotencyKeyId = apiKey.apiKey.id;
  await completeIdempotencyKey(deps, { id: claim.id, status: 200, body: values.idempotentBody });
  // the hosted facilitator's credentials, a sealed platform setting
  await saveHostedFacilitatorSettings(deps, {
    actor: { userId: owner.id, role: "PLATFORM_ADMIN" },
    input: { url: "https://facilitator.example/x402", bearerToken: values.hostedToken },
  });
  // the `offer-receipt` signing key (its private half is sealed)
  receiptKid = (await loadReceiptSigner(deps)).kid;
  runId = (
    await database.db.settlementRun.create({
      data: {
        id: createId("settlementRun"),
        periodStart: new Date(0),
        periodEnd: new Date(86_400_000),
      },
    })
  ).id;
  const to = sealSecret(payoutAddress.toLowerCase(), deps.env);
  const tx = sealSecret(values.signedTx, deps.env);
  await database.db.payout.create({
    data: {
      id: createId("payout"),
      runId,
      merchantId,
      amountAtomic: 1,
      network: "eip155:31337",
      asset: TOKEN,
      toAddressCiphertext: to.ciphertext,
      toAddressKeyId: to.keyId,
      signedTxCiphertext: tx.ciphertext,
      signedTxKeyId: tx.keyId,
    },
  });
});

describe("key rotation", () => {
  it("starts with every value under key A, which B alone cannot open", async () => {
    const counts = await keyIdCounts(database.db);
    for (const [column, byKey] of Object.entries(counts))
      expect(Object.keys(byKey), column).toEqual([idA]);
    const refused = await getMerchant(onlyB(), { merchantId }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnknownEncryptionKeyError);
    expect((refused as Error).message).toContain(`sealed with encryption key ${idA}`);
  });

  it("keeps the wallet sign-in finding its user while B is current and nothing is rotated yet", async () => {
    const signedIn = await signInWithWallet(rotating(), wallet.toLowerCase());
    expect(signedIn.ok && signedIn.user.id).toBe(walletUserId);
    expect(await database.db.user.count({ where: { walletAddressHash: { not: null } } })).toBe(1);
  });

  it("resumes after an interruption and re-seals every value under B, with its hashes", async () => {
    let batches = 0;
    const interrupted = await rotateEncryptionKeys(rotating(), {
      batchSize: BATCH,
      onBatch: () => {
        batches += 1;
        if (batches === 3) throw new Error("killed mid-run");
      },
    }).catch((e: unknown) => e);
    expect((interrupted as Error).message).toBe("killed mid-run");
    const partly = await keyIdCounts(database.db);
    expect(Object.values(partly).some((byKey) => (byKey[idB] ?? 0) > 0)).toBe(true);
    expect(Object.values(partly).some((byKey) => (byKey[idA] ?? 0) > 0)).toBe(true);

    const reports = byColumn(await rotateEncryptionKeys(rotating(), { batchSize: BATCH }));
    expect(Object.values(reports).every((r) => r.failed === 0)).toBe(true);
    expect(reports["Payment payTo"]).toMatchObject({ current: PAYMENTS });
    expect(reports["Payment signed payload"]).toMatchObject({ current: PAYMENTS });
    expect(reports["Merchant payout address"]?.current).toBeGreaterThanOrEqual(1);
    expect(reports["User wallet address"]).toMatchObject({ current: 1 });
    expect(reports["Payout destination address"]).toMatchObject({ current: 1 });
    expect(reports["Payout signed transaction"]).toMatchObject({ current: 1 });
    expect(reports["WebhookEndpoint signing secret"]).toMatchObject({ current: 1 });
    expect(reports["GatewaySigningSecret signing secret"]).toMatchObject({ current: 1 });
    expect(reports["UpstreamCredential credential value"]).toMatchObject({ current: 1 });
    expect(reports["ApiIdempotencyKey replayable response"]).toMatchObject({ current: 1 });
    expect(reports["PlatformSecret platform secret"]).toMatchObject({ current: 1 });
    expect(reports["ReceiptSigningKey receipt signing key"]).toMatchObject({ current: 1 });
    // the gateway still loads the same signing key with key B alone
    expect((await loadReceiptSigner(onlyB())).kid).toBe(receiptKid);
    const counts = await keyIdCounts(database.db);
    for (const [column, byKey] of Object.entries(counts))
      expect(Object.keys(byKey), column).toEqual([idB]);
    expect(
      await database.db.auditLog.count({
        where: { action: "encryption_keys.rotate", targetId: idB },
      }),
    ).toBe(1);
  });

  it("opens everything and finds every lookup with A removed from the environment", async () => {
    await everythingOpens(onlyB());
  });

  it("changes nothing when run again", async () => {
    const before = await sealedState(database.db);
    const audits = await database.db.auditLog.count({
      where: { action: "encryption_keys.rotate" },
    });
    const reports = await rotateEncryptionKeys(onlyB(), { batchSize: BATCH });
    expect(reports.every((r) => r.rotated === 0 && r.legacySealed === 0 && r.failed === 0)).toBe(
      true,
    );
    expect(await sealedState(database.db)).toBe(before);
    expect(await database.db.auditLog.count({ where: { action: "encryption_keys.rotate" } })).toBe(
      audits,
    );
  });

  it("reports a value under a key the ring lacks, names the key, and rotates the rest", async () => {
    const keyC = randomBytes(32).toString("base64");
    const stray = sealSecret("whsec_under_c", { ENCRYPTION_KEY: keyC });
    await database.db.webhookEndpoint.update({
      where: { id: webhookId },
      data: { secretCiphertext: stray.ciphertext, secretKeyId: stray.keyId },
    });
    const reports = byColumn(await rotateEncryptionKeys(onlyB(), { batchSize: BATCH }));
    expect(reports["WebhookEndpoint signing secret"]).toMatchObject({
      rotated: 0,
      failed: 1,
      firstError: expect.stringContaining(`sealed with encryption key ${encryptionKeyId(keyC)}`),
    });
    const withC = testDeps(database.db, {
      env: testEnv({ ENCRYPTION_KEY: keyB, ENCRYPTION_KEYS_PREVIOUS: keyC }),
    });
    expect(
      byColumn(await rotateEncryptionKeys(withC))["WebhookEndpoint signing secret"],
    ).toMatchObject({ rotated: 1, failed: 0 });
    expect(await endpointSecret(onlyB(), { merchantId, endpointId: webhookId })).toBe(
      "whsec_under_c",
    );
  });
});

describe("a database from before sealing", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("keeps its clear values through the migration, and db:migrate's pass seals them", async () => {
    // the migrations up to the one before sealing, applied to a blank database
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((n) => /^\d+_/.test(n)).sort();
    const sealing = names.findIndex((n) => n.endsWith("_secrets_at_rest"));
    expect(sealing).toBeGreaterThan(0);
    const dir = await mkdtemp(path.join(tmpdir(), "x4g-pre-sealing-"));
    dirs.push(dir);
    await cp(
      path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"),
      path.join(dir, "migration_lock.toml"),
    );
    for (const name of names.slice(0, sealing))
      await cp(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    const pglite = await openBlankPglite();
    try {
      await applyMigrations(pglite, { migrationsDir: dir });
      const oldWallet = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      const oldPayout = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
      await pglite.exec(`
        INSERT INTO "User" ("id", "walletAddress", "updatedAt") VALUES ('usr_legacy', '${oldWallet.toLowerCase()}', now());
        INSERT INTO "Merchant" ("id", "name", "upstreamBaseUrl", "payoutAddress", "updatedAt") VALUES ('mer_legacy', 'Legacy', 'https://api.example.com', '${oldPayout.toLowerCase()}', now());
        INSERT INTO "Payment" ("id", "merchantId", "x402Version", "scheme", "network", "asset", "payer", "payTo", "amountAtomic", "requiredAmountAtomic", "authorizationNonce", "validAfter", "validBefore", "payloadEncoded", "facilitator", "resource", "requestId", "settlementPolicy", "status", "deferredSettlement", "updatedAt")
          VALUES ('pay_legacy', 'mer_legacy', 2, 'exact', 'eip155:31337', '${TOKEN}', '0x1', '${oldPayout.toLowerCase()}', 1, 1, '0xab', now(), now(), 'cGF5bG9hZA==', 'LOCAL', 'https://gw/x', 'req_legacy', 'DEFERRED', 'VERIFIED',
                  '{"requirements":{"scheme":"exact","payTo":"${oldPayout.toLowerCase()}","amount":"1"},"usage":{"requestId":"req_legacy"}}', now());
        INSERT INTO "SettlementRun" ("id", "periodStart", "periodEnd") VALUES ('run_legacy', now() - interval '1 day', now());
        INSERT INTO "Payout" ("id", "runId", "merchantId", "amountAtomic", "network", "asset", "toAddress", "signedTx", "updatedAt")
          VALUES ('pout_legacy', 'run_legacy', 'mer_legacy', 1, 'eip155:31337', '${TOKEN}', '${oldPayout.toLowerCase()}', '0x02f8legacy', now());
        INSERT INTO "ApiKey" ("id", "merchantId", "name", "prefix", "keyHash", "partialKey", "scopes") VALUES ('key_legacy', 'mer_legacy', 'k', 'x4g_live_legacy00', 'hash_legacy', 'abcd', '{write}');
        INSERT INTO "ApiIdempotencyKey" ("id", "apiKeyId", "merchantId", "key", "requestHash", "status", "responseBody", "expiresAt")
          VALUES ('idem_legacy', 'key_legacy', 'mer_legacy', 'k1', 'h1', 200, '{"key":"x4g_live_legacy_secret"}', now() + interval '1 day');`);
      await applyMigrations(pglite);
      const handle = createPrismaClient({ kind: "pglite", dataDir: null }, { pglite });
      try {
        const deps = testDeps(handle.db, { env: testEnv({ ENCRYPTION_KEY: keyB }) });
        // as db:migrate runs it: plain SQL on the driver, no Prisma client
        const reports = byColumn(
          await sealLegacyValues({ sql: pgliteSql(pglite), env: deps.env }, { batchSize: 2 }),
        );
        expect(
          Object.fromEntries(Object.entries(reports).map(([k, r]) => [k, r.legacySealed])),
        ).toEqual({
          "User wallet address": 1,
          "Merchant payout address": 1,
          "Payment payTo": 1,
          "Payment signed payload": 1,
          "Payout destination address": 1,
          "Payout signed transaction": 1,
          "ApiIdempotencyKey replayable response": 1,
        });
        const idem = await handle.db.apiIdempotencyKey.findUniqueOrThrow({
          where: { id: "idem_legacy" },
        });
        expect(idem.responseBody).toBeNull();
        expect(
          openSecret(
            { ciphertext: idem.responseCiphertext ?? "", keyId: idem.responseKeyId ?? "" },
            deps.env,
          ),
        ).toBe('{"key":"x4g_live_legacy_secret"}');
        expect((await getMerchant(deps, { merchantId: "mer_legacy" })).payoutAddress).toBe(
          oldPayout.toLowerCase(),
        );
        const signedIn = await signInWithWallet(deps, oldWallet);
        expect(signedIn.ok && signedIn.user.id).toBe("usr_legacy");
        const payment = await handle.db.payment.findUniqueOrThrow({ where: { id: "pay_legacy" } });
        expect(payment).toMatchObject({
          legacyPayTo: null,
          legacyPayloadEncoded: null,
          deferredSettlement: {
            requirements: { scheme: "exact", amount: "1" },
            usage: { requestId: "req_legacy" },
          },
        });
        expect(JSON.stringify(payment.deferredSettlement)).not.toContain(oldPayout.toLowerCase());
        expect(openPayload(payment, deps.env)).toBe("cGF5bG9hZA==");
        const payout = await handle.db.payout.findUniqueOrThrow({ where: { id: "pout_legacy" } });
        expect(payout).toMatchObject({ legacyToAddress: null, legacySignedTx: null });
        expect(
          openSecret(
            { ciphertext: payout.signedTxCiphertext ?? "", keyId: payout.signedTxKeyId ?? "" },
            deps.env,
          ),
        ).toBe("0x02f8legacy");
        // a second pass finds nothing left
        expect(
          (await sealLegacyValues({ sql: pgliteSql(pglite), env: deps.env })).every(
            (r) => r.legacySealed === 0,
          ),
        ).toBe(true);
      } finally {
        await handle.db.$disconnect();
      }
    } finally {
      await pglite.close();
    }
  });
});
