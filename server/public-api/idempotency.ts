import type { Deps } from "@/server/deps";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";

// Idempotency-Key on the public API's POSTs. The first request with a key claims it (a row with no
// status) before running; a retry with the same key and the same request gets the stored response,
// one with another request a conflict, one while the first still runs a conflict too. Keys are per
// API key and live for a day.

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type IdempotencyClaim =
  | { kind: "claimed"; id: string }
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

export async function claimIdempotencyKey(
  deps: Pick<Deps, "db" | "now">,
  opts: { apiKeyId: string; merchantId: string; key: string; requestHash: string },
): Promise<IdempotencyClaim> {
  const now = deps.now();
  // an expired claim is forgotten, so the key can be used again
  await deps.db.apiIdempotencyKey.deleteMany({ where: { apiKeyId: opts.apiKeyId, key: opts.key, expiresAt: { lte: now } } });
  const id = createId("idempotencyKey");
  try {
    await deps.db.apiIdempotencyKey.create({
      data: { id, apiKeyId: opts.apiKeyId, merchantId: opts.merchantId, key: opts.key, requestHash: opts.requestHash, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) },
    });
    return { kind: "claimed", id };
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== "P2002") throw err;
  }
  const existing = await deps.db.apiIdempotencyKey.findUnique({ where: { apiKeyId_key: { apiKeyId: opts.apiKeyId, key: opts.key } } });
  if (!existing) return claimIdempotencyKey(deps, opts);
  if (existing.requestHash !== opts.requestHash) return { kind: "mismatch" };
  if (existing.status === null || existing.responseBody === null) return { kind: "in_progress" };
  return { kind: "replay", status: existing.status, body: existing.responseBody };
}

/** Stores the response a claimed key's retries get. */
export async function completeIdempotencyKey(deps: Pick<Deps, "db">, opts: { id: string; status: number; body: string }): Promise<void> {
  await deps.db.apiIdempotencyKey.update({ where: { id: opts.id }, data: { status: opts.status, responseBody: opts.body } });
}

/** Frees a claim whose request failed on our side (5xx), so a retry runs it again. */
export async function releaseIdempotencyKey(deps: Pick<Deps, "db">, opts: { id: string }): Promise<void> {
  await deps.db.apiIdempotencyKey.deleteMany({ where: { id: opts.id } });
}
