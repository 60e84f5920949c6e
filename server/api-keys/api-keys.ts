import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import type { Prisma } from "@/server/db";
import { AppError } from "@/server/errors";

import { generateApiKey, keyMatchesHash, prefixOf } from "./keys";
import {
  apiKeyScopeSchema,
  DEFAULT_API_KEY_SCOPES,
  scopesBeyondGrantor,
  type KeyGrantor,
} from "./scopes";
import { vmsg } from "@/server/i18n/validation-keys";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, vmsg("apiKeys.enterName")).max(60),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, vmsg("apiKeys.chooseScope"))
    .max(4)
    .transform((s) => [...new Set(s)])
    .default([...DEFAULT_API_KEY_SCOPES]),
});

export const apiKeyDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  partialKey: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type ApiKeyDto = z.infer<typeof apiKeyDtoSchema>;

const dtoSelect = {
  id: true,
  name: true,
  prefix: true,
  partialKey: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export async function listApiKeys(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string },
): Promise<ApiKeyDto[]> {
  return deps.db.apiKey.findMany({
    where: { merchantId: opts.merchantId },
    orderBy: { createdAt: "desc" },
    select: dtoSelect,
  });
}

/**
 * Creates a key; the full key is returned this once and never stored. Its scopes must be within
 * what `grantor` (the member's role, or the creating key's scopes) may do itself. A key made by a
 * key belongs to the person behind the creating key, so it is revoked with that person's keys.
 */
export async function createApiKey(
  deps: Pick<Deps, "db">,
  opts: {
    merchantId: string;
    actor: AuditActor;
    grantor: KeyGrantor;
    name: string;
    scopes?: readonly string[];
  },
): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const scopes = [...(opts.scopes ?? DEFAULT_API_KEY_SCOPES)];
  const beyond = scopesBeyondGrantor(opts.grantor, scopes);
  if (beyond.length > 0) {
    throw new AppError(
      "forbidden",
      `You cannot create a key with scopes you do not have yourself: ${beyond.join(", ")}`,
      { details: { scopes: beyond } },
    );
  }
  const generated = generateApiKey();
  const apiKey = await deps.db.$transaction(async (tx) => {
    const parent = opts.actor.apiKeyId
      ? await tx.apiKey.findFirst({
          where: { id: opts.actor.apiKeyId, merchantId: opts.merchantId },
          select: { createdById: true },
        })
      : null;
    const created = await tx.apiKey.create({
      data: {
        id: createId("apiKey"),
        merchantId: opts.merchantId,
        name: opts.name,
        prefix: generated.prefix,
        keyHash: generated.keyHash,
        partialKey: generated.partialKey,
        scopes,
        createdById: opts.actor.userId ?? parent?.createdById ?? null,
      },
      select: dtoSelect,
    });
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "api_key.create",
      targetType: "api_key",
      targetId: created.id,
      after: created,
    });
    return created;
  });
  return { key: generated.key, apiKey };
}

export async function revokeApiKey(
  deps: Pick<Deps, "db" | "now">,
  opts: { merchantId: string; keyId: string; actor: AuditActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const revoked = await tx.apiKey.updateMany({
      where: { id: opts.keyId, merchantId: opts.merchantId, revokedAt: null },
      data: { revokedAt: deps.now() },
    });
    if (revoked.count === 0) throw new AppError("not_found", "No such active API key");
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: opts.keyId,
    });
  });
}

/**
 * Inside a membership change's transaction: revokes the keys `userId` created for the merchant
 * (directly or through their keys) that `keep` does not accept, each with its audit entry.
 */
export async function revokeKeysOfMember(
  tx: Prisma.TransactionClient,
  opts: {
    merchantId: string;
    userId: string;
    actor: AuditActor;
    at: Date;
    keep?: (scopes: string[]) => boolean;
    reason: string;
  },
): Promise<string[]> {
  const keys = await tx.apiKey.findMany({
    where: { merchantId: opts.merchantId, createdById: opts.userId, revokedAt: null },
    select: { id: true, scopes: true },
  });
  const revoked = keys.filter((k) => !opts.keep?.(k.scopes)).map((k) => k.id);
  if (revoked.length === 0) return [];
  await tx.apiKey.updateMany({
    where: { id: { in: revoked }, merchantId: opts.merchantId, revokedAt: null },
    data: { revokedAt: opts.at },
  });
  for (const id of revoked) {
    await recordAudit(tx, {
      actor: opts.actor,
      merchantId: opts.merchantId,
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: id,
      after: { reason: opts.reason },
    });
  }
  return revoked;
}

export type ApiKeyCheck =
  | { ok: true; keyId: string; merchantId: string; scopes: string[] }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" };

/**
 * Resolves a presented key: found by prefix, compared by hash in constant time. Deliberately not
 * cached: a revocation is refused on every instance from the next call on.
 */
export async function authenticateApiKey(
  deps: Pick<Deps, "db" | "now">,
  key: string,
): Promise<ApiKeyCheck> {
  const prefix = prefixOf(key);
  if (!prefix) return { ok: false, reason: "malformed" };
  const stored = await deps.db.apiKey.findUnique({
    where: { prefix },
    select: {
      id: true,
      merchantId: true,
      keyHash: true,
      scopes: true,
      revokedAt: true,
      expiresAt: true,
    },
  });
  if (!stored || !keyMatchesHash(key, stored.keyHash)) return { ok: false, reason: "unknown" };
  if (stored.revokedAt) return { ok: false, reason: "revoked" };
  if (stored.expiresAt && stored.expiresAt <= deps.now()) return { ok: false, reason: "expired" };
  // last-used is informational: written without holding up the request
  void deps.db.apiKey
    .update({ where: { id: stored.id }, data: { lastUsedAt: deps.now() } })
    .catch(() => undefined);
  return { ok: true, keyId: stored.id, merchantId: stored.merchantId, scopes: stored.scopes };
}
