import { openSecret, sealSecret } from "@/server/crypto/secrets";
import type { Deps } from "@/server/deps";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";

// Idempotency-Key on the public API's POSTs. The first request with a key claims it (a row with no
// status) before running; a retry with the same key and the same request gets the stored response,
// one with another request a conflict, one while the first still runs a conflict too. Keys are per
// API key and live for a day; the purge-idempotency-keys job deletes them after that. A stored
// response is sealed under the key ring like every other secret at rest: it can be the one copy of
// a created API key or webhook signing secret.

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type IdempotencyClaim =
  | { kind: "claimed"; id: string }
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in_progress" };

export async function claimIdempotencyKey(
  deps: Pick<Deps, "db" | "env" | "now">,
  opts: { apiKeyId: string; merchantId: string; key: string; requestHash: string },
): Promise<IdempotencyClaim> {
  const now = deps.now();
  // an expired claim is forgotten, so the key can be used again
  await deps.db.apiIdempotencyKey.deleteMany({
    where: { apiKeyId: opts.apiKeyId, key: opts.key, expiresAt: { lte: now } },
  });
  const id = createId("idempotencyKey");
  try {
    await deps.db.apiIdempotencyKey.create({
      data: {
        id,
        apiKeyId: opts.apiKeyId,
        merchantId: opts.merchantId,
        key: opts.key,
        requestHash: opts.requestHash,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      },
    });
    return { kind: "claimed", id };
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== "P2002") throw err;
  }
  const existing = await deps.db.apiIdempotencyKey.findUnique({
    where: { apiKeyId_key: { apiKeyId: opts.apiKeyId, key: opts.key } },
  });
  if (!existing) return claimIdempotencyKey(deps, opts);
  if (existing.requestHash !== opts.requestHash) return { kind: "mismatch" };
  if (existing.status === null) return { kind: "in_progress" };
  const body =
    existing.responseCiphertext !== null && existing.responseKeyId !== null
      ? openSecret(
          { ciphertext: existing.responseCiphertext, keyId: existing.responseKeyId },
          deps.env,
        )
      : existing.responseBody;
  if (body === null) return { kind: "in_progress" };
  return { kind: "replay", status: existing.status, body };
}

/** Stores the response a claimed key's retries get, sealed. */
export async function completeIdempotencyKey(
  deps: Pick<Deps, "db" | "env">,
  opts: { id: string; status: number; body: string },
): Promise<void> {
  const sealed = sealSecret(opts.body, deps.env);
  await deps.db.apiIdempotencyKey.update({
    where: { id: opts.id },
    data: {
      status: opts.status,
      responseCiphertext: sealed.ciphertext,
      responseKeyId: sealed.keyId,
      responseBody: null,
    },
  });
}

/** The purge-idempotency-keys job: deletes records past their day, claimed or completed. Returns how many. */
export async function purgeExpiredIdempotencyKeys(deps: Pick<Deps, "db" | "now">): Promise<number> {
  const { count } = await deps.db.apiIdempotencyKey.deleteMany({
    where: { expiresAt: { lte: deps.now() } },
  });
  return count;
}

/** Frees a claim whose request failed on our side (5xx), so a retry runs it again. */
export async function releaseIdempotencyKey(
  deps: Pick<Deps, "db">,
  opts: { id: string },
): Promise<void> {
  await deps.db.apiIdempotencyKey.deleteMany({ where: { id: opts.id } });
}
