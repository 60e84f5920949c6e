import { createPrivateKey, generateKeyPairSync, type JsonWebKey } from "node:crypto";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import { Prisma, type Db, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";

import { didDocument, didWebOf, kidOf, type DidDocument, type PublishedKey } from "./did-document";
import type { ReceiptSigner } from "./jws";
import type { ReceiptKeysView } from "./schemas";

// The platform's `offer-receipt` signing keys (ReceiptSigningKey rows): P-256 key pairs whose private
// half is sealed with the key ring (listed in server/keys/sealed-columns.ts, so `npm run keys:rotate`
// re-seals it). One generation signs; `rotateReceiptSigningKey` (admin console or
// `npm run keys:rotate -- --receipt-signing-key`) makes a new one and retires the old, which stays
// published for verification. The first key is made on first use, like the gateway signing secrets.

/** The invalidation key gateways reload their signing key on (a key no merchant id can take). */
export const RECEIPT_KEYS_CHANGED = "platform:receipt-keys";

type KeyDeps = { db: PrismaClient; env: EncryptionKeys & { GATEWAY_URL: string } };

function newKeyRow(keys: EncryptionKeys, generation: number) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const id = createId("receiptKey");
  const sealed = sealSecret(privateKey.export({ format: "pem", type: "pkcs8" }).toString(), keys);
  const jwk = publicKey.export({ format: "jwk" });
  return {
    id,
    generation,
    algorithm: "ES256",
    publicJwk: { ...jwk, alg: "ES256", use: "sig", kid: id } as Prisma.InputJsonObject,
    privateKeyCiphertext: sealed.ciphertext,
    privateKeyKeyId: sealed.keyId,
  };
}

const CURRENT = { retiredAt: null } as const;

/** The key that signs now, decrypted; the first one is created when none exists. */
export async function loadReceiptSigner(deps: KeyDeps): Promise<ReceiptSigner> {
  const read = () =>
    deps.db.receiptSigningKey.findFirst({ where: CURRENT, orderBy: { generation: "desc" } });
  let row = await read();
  if (!row) {
    try {
      await deps.db.receiptSigningKey.create({ data: newKeyRow(deps.env, 1) });
    } catch (err) {
      // another instance created it first (unique generation): use theirs
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    }
    row = await read();
    if (!row) throw new Error("no receipt signing key could be created");
  }
  const pem = openSecret(
    { ciphertext: row.privateKeyCiphertext, keyId: row.privateKeyKeyId },
    deps.env,
  );
  return {
    kid: kidOf(didWebOf(deps.env.GATEWAY_URL), row.id),
    algorithm: "ES256",
    privateKey: createPrivateKey(pem),
  };
}

/** Every key that signed or signs (public halves only), for the DID document. */
export async function listPublishedReceiptKeys(db: Db): Promise<PublishedKey[]> {
  const rows = await db.receiptSigningKey.findMany({
    orderBy: { generation: "desc" },
    select: { id: true, publicJwk: true, retiredAt: true, createdAt: true, generation: true },
  });
  return rows.map((r) => ({
    id: r.id,
    publicJwk: r.publicJwk as JsonWebKey,
    retiredAt: r.retiredAt,
    createdAt: r.createdAt,
  }));
}

/**
 * A new signing key; the current one is retired (kept published, never signs again). Audited in
 * the same transaction; gateways drop their cached key on the invalidation bus.
 */
export async function rotateReceiptSigningKey(
  deps: KeyDeps & { now: () => Date },
  opts: { actor: AuditActor },
): Promise<{ id: string; generation: number; retired: string[] }> {
  const created = await deps.db.$transaction(async (tx) => {
    const last = await tx.receiptSigningKey.findFirst({
      orderBy: { generation: "desc" },
      select: { generation: true },
    });
    const current = await tx.receiptSigningKey.findMany({ where: CURRENT, select: { id: true } });
    await tx.receiptSigningKey.updateMany({ where: CURRENT, data: { retiredAt: deps.now() } });
    const row = newKeyRow(deps.env, (last?.generation ?? 0) + 1);
    await tx.receiptSigningKey.create({ data: row });
    const retired = current.map((c) => c.id);
    await recordAudit(tx, {
      actor: opts.actor,
      action: "platform.receipt_signing_key.rotate",
      targetType: "receipt_signing_key",
      targetId: row.id,
      after: { generation: row.generation, retired },
    });
    return { id: row.id, generation: row.generation, retired };
  });
  publishMerchantConfigChanged(RECEIPT_KEYS_CHANGED);
  return created;
}

/** The did:web document of the gateway's origin: every receipt key, current first (made if none exists yet). */
export async function receiptDidDocument(deps: KeyDeps): Promise<DidDocument> {
  let keys = await listPublishedReceiptKeys(deps.db);
  if (keys.length === 0) {
    await loadReceiptSigner(deps);
    keys = await listPublishedReceiptKeys(deps.db);
  }
  return didDocument(didWebOf(deps.env.GATEWAY_URL), keys);
}

/** The admin console's view: every key (current first), and where they are published. */
export async function getReceiptKeysView(deps: KeyDeps): Promise<ReceiptKeysView> {
  await loadReceiptSigner(deps);
  const did = didWebOf(deps.env.GATEWAY_URL);
  const rows = await deps.db.receiptSigningKey.findMany({
    orderBy: { generation: "desc" },
    select: { id: true, generation: true, algorithm: true, createdAt: true, retiredAt: true },
  });
  return {
    didDocumentUrl: new URL("/.well-known/did.json", deps.env.GATEWAY_URL).toString(),
    keys: rows.map((r) => ({ ...r, kid: kidOf(did, r.id) })),
  };
}
