import { randomBytes } from "node:crypto";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { publishMerchantConfigChanged } from "@/server/cache/invalidation";
import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import { Prisma, type PrismaClient } from "@/server/db";
import { createId } from "@/server/db/ids";
import { AppError } from "@/server/errors";

import type { SigningSecretStatus } from "./schemas";

// The per-merchant secret the gateway signs proxied requests with (X-Gateway-Signature). Every
// merchant has one from its first proxied request on; the console reveals it once, and a rotation
// returns the new one while older ones keep signing until their overlap window ends.

type SecretDeps = { db: PrismaClient; env: EncryptionKeys; now: () => Date };

const activeWhere = (merchantId: string, now: Date) => ({
  merchantId,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

function newSecret(): string {
  return `gws_${randomBytes(32).toString("base64url")}`;
}

async function createGeneration(
  db: PrismaClient,
  keys: EncryptionKeys,
  merchantId: string,
  generation: number,
): Promise<string> {
  const secret = newSecret();
  const sealed = sealSecret(secret, keys);
  await db.gatewaySigningSecret.create({
    data: {
      id: createId("signingSecret"),
      merchantId,
      generation,
      secretCiphertext: sealed.ciphertext,
      secretKeyId: sealed.keyId,
    },
  });
  return secret;
}

/**
 * The merchant's secrets that still sign, newest first, decrypted (the gateway caches them in its
 * merchant snapshot). A merchant without any gets its first one here, so merchants created before
 * signing existed start signing on their next request.
 */
export async function loadSigningSecrets(
  deps: SecretDeps,
  opts: { merchantId: string },
): Promise<{ secret: string; expiresAt: Date | null }[]> {
  const now = deps.now();
  const read = () =>
    deps.db.gatewaySigningSecret.findMany({
      where: activeWhere(opts.merchantId, now),
      orderBy: { generation: "desc" },
      select: { secretCiphertext: true, secretKeyId: true, expiresAt: true },
    });
  let rows = await read();
  if (rows.length === 0) {
    try {
      const last = await deps.db.gatewaySigningSecret.findFirst({
        where: { merchantId: opts.merchantId },
        orderBy: { generation: "desc" },
        select: { generation: true },
      });
      await createGeneration(deps.db, deps.env, opts.merchantId, (last?.generation ?? 0) + 1);
    } catch (err) {
      // another instance created it first (unique merchant + generation): use theirs
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    }
    rows = await read();
  }
  return rows.map((r) => ({
    secret: openSecret({ ciphertext: r.secretCiphertext, keyId: r.secretKeyId }, deps.env),
    expiresAt: r.expiresAt,
  }));
}

/** What the console shows about the secrets: never the secrets themselves. */
export async function getSigningSecretStatus(
  deps: SecretDeps,
  opts: { merchantId: string },
): Promise<SigningSecretStatus> {
  await loadSigningSecrets(deps, opts);
  const rows = await deps.db.gatewaySigningSecret.findMany({
    where: activeWhere(opts.merchantId, deps.now()),
    orderBy: { generation: "desc" },
    select: { generation: true, createdAt: true, revealedAt: true, expiresAt: true },
  });
  const [current, ...previous] = rows;
  if (!current) throw new AppError("internal", "The signing secret could not be created");
  return {
    current: {
      generation: current.generation,
      createdAt: current.createdAt,
      revealed: current.revealedAt !== null,
    },
    previous: previous.map((p) => ({
      generation: p.generation,
      expiresAt: p.expiresAt ?? deps.now(),
    })),
  };
}

/** Returns the current secret once; later calls are refused (rotate to get a new one). */
export async function revealSigningSecret(
  deps: SecretDeps,
  opts: { merchantId: string; actor: AuditActor },
): Promise<{ secret: string; generation: number }> {
  await loadSigningSecrets(deps, opts);
  return deps.db.$transaction(async (tx) => {
    const current = await tx.gatewaySigningSecret.findFirst({
      where: activeWhere(opts.merchantId, deps.now()),
      orderBy: { generation: "desc" },
    });
    if (!current) throw new AppError("not_found", "No signing secret");
    // the conditional update makes "once" hold under concurrent reveals
    const marked = await tx.gatewaySigningSecret.updateMany({
      where: { id: current.id, merchantId: opts.merchantId, revealedAt: null },
      data: { revealedAt: deps.now() },
    });
    if (marked.count === 0)
      throw new AppError(
        "conflict",
        "This signing secret was already shown; rotate it to get a new one",
      );
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "signing_secret.reveal",
      targetType: "signing_secret",
      targetId: current.id,
    });
    return {
      secret: openSecret(
        { ciphertext: current.secretCiphertext, keyId: current.secretKeyId },
        deps.env,
      ),
      generation: current.generation,
    };
  });
}

/**
 * Makes a new current secret and returns it (shown this once). Secrets that were current keep
 * signing for `overlapSeconds`, so an upstream still holding them keeps verifying until it is
 * redeployed with the new one; 0 ends them at once.
 */
export async function rotateSigningSecret(
  deps: SecretDeps,
  opts: { merchantId: string; actor: AuditActor; overlapSeconds: number },
): Promise<{ secret: string; generation: number; previousExpiresAt: Date }> {
  const now = deps.now();
  const previousExpiresAt = new Date(now.getTime() + opts.overlapSeconds * 1000);
  const secret = newSecret();
  const sealed = sealSecret(secret, deps.env);
  const generation = await deps.db.$transaction(async (tx) => {
    const last = await tx.gatewaySigningSecret.findFirst({
      where: { merchantId: opts.merchantId },
      orderBy: { generation: "desc" },
      select: { generation: true },
    });
    // secrets already in an overlap keep their earlier end; only the current one gets one
    await tx.gatewaySigningSecret.updateMany({
      where: { merchantId: opts.merchantId, expiresAt: null },
      data: { expiresAt: previousExpiresAt },
    });
    await tx.gatewaySigningSecret.updateMany({
      where: { merchantId: opts.merchantId, expiresAt: { gt: previousExpiresAt } },
      data: { expiresAt: previousExpiresAt },
    });
    const next = (last?.generation ?? 0) + 1;
    const created = await tx.gatewaySigningSecret.create({
      data: {
        id: createId("signingSecret"),
        merchantId: opts.merchantId,
        generation: next,
        secretCiphertext: sealed.ciphertext,
        secretKeyId: sealed.keyId,
        revealedAt: now,
      },
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "signing_secret.rotate",
      targetType: "signing_secret",
      targetId: created.id,
      after: { generation: next, previousExpiresAt },
    });
    return next;
  });
  publishMerchantConfigChanged(opts.merchantId);
  return { secret, generation, previousExpiresAt };
}
