import { z } from "zod";

import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { createId } from "@/server/db/ids";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";

import { generateApiKey, keyMatchesHash, prefixOf } from "./keys";
import { apiKeyScopeSchema, DEFAULT_API_KEY_SCOPES } from "./scopes";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key").max(60),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, "Choose at least one scope")
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

const dtoSelect = { id: true, name: true, prefix: true, partialKey: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export async function listApiKeys(deps: Pick<Deps, "db">, opts: { merchantId: string }): Promise<ApiKeyDto[]> {
  return deps.db.apiKey.findMany({ where: { merchantId: opts.merchantId }, orderBy: { createdAt: "desc" }, select: dtoSelect });
}

/** Creates a key; the full key is returned this once and never stored. */
export async function createApiKey(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string; actor: AuditActor; name: string; scopes?: readonly string[] },
): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const generated = generateApiKey();
  const apiKey = await deps.db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        id: createId("apiKey"),
        merchantId: opts.merchantId,
        name: opts.name,
        prefix: generated.prefix,
        keyHash: generated.keyHash,
        partialKey: generated.partialKey,
        scopes: [...(opts.scopes ?? DEFAULT_API_KEY_SCOPES)],
        createdById: opts.actor.userId ?? null,
      },
      select: dtoSelect,
    });
    await recordAudit(tx, { actor: opts.actor, merchantId: opts.merchantId, action: "api_key.create", targetType: "api_key", targetId: created.id, after: created });
    return created;
  });
  return { key: generated.key, apiKey };
}

export async function revokeApiKey(deps: Pick<Deps, "db" | "now">, opts: { merchantId: string; keyId: string; actor: AuditActor }): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const revoked = await tx.apiKey.updateMany({ where: { id: opts.keyId, merchantId: opts.merchantId, revokedAt: null }, data: { revokedAt: deps.now() } });
    if (revoked.count === 0) throw new AppError("not_found", "No such active API key");
    await recordAudit(tx, { actor: opts.actor, merchantId: opts.merchantId, action: "api_key.revoke", targetType: "api_key", targetId: opts.keyId });
  });
}

export type ApiKeyCheck = { ok: true; keyId: string; merchantId: string; scopes: string[] } | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" };

/**
 * Resolves a presented key: found by prefix, compared by hash in constant time. Deliberately not
 * cached: a revocation is refused on every instance from the next call on.
 */
export async function authenticateApiKey(deps: Pick<Deps, "db" | "now">, key: string): Promise<ApiKeyCheck> {
  const prefix = prefixOf(key);
  if (!prefix) return { ok: false, reason: "malformed" };
  const stored = await deps.db.apiKey.findUnique({ where: { prefix }, select: { id: true, merchantId: true, keyHash: true, scopes: true, revokedAt: true, expiresAt: true } });
  if (!stored || !keyMatchesHash(key, stored.keyHash)) return { ok: false, reason: "unknown" };
  if (stored.revokedAt) return { ok: false, reason: "revoked" };
  if (stored.expiresAt && stored.expiresAt <= deps.now()) return { ok: false, reason: "expired" };
  // last-used is informational: written without holding up the request
  void deps.db.apiKey.update({ where: { id: stored.id }, data: { lastUsedAt: deps.now() } }).catch(() => undefined);
  return { ok: true, keyId: stored.id, merchantId: stored.merchantId, scopes: stored.scopes };
}
