import { z } from "zod";

import { verifyReceipt } from "@/sdk/src/receipt";
import type { Db } from "@/server/db";

import { didDocument, didWebOf } from "./did-document";
import { listPublishedReceiptKeys } from "./keys";

// A payment's stored receipt as the console and the REST API show it: the JWS as sent, and whether
// it verifies against the keys the platform publishes (checked with the SDK's verifier, the same
// code buyers run, against the database's copy of /.well-known/did.json).

export const storedReceiptSchema = z.object({
  format: z.string(),
  /** the JWS compact serialization sent in the settlement header */
  signature: z.string(),
  /** the signing key's DID URL, from the JWS header */
  kid: z.string().nullable(),
  issuedAt: z.date().nullable(),
  /** the signature verifies under a key the platform publishes (current or retired) */
  verified: z.boolean(),
});
export type StoredReceipt = z.infer<typeof storedReceiptSchema>;

const signedReceiptSchema = z.object({ format: z.literal("jws"), signature: z.string() });

export async function describeStoredReceipt(
  deps: { db: Db; env: { GATEWAY_URL: string } },
  stored: unknown,
): Promise<StoredReceipt | null> {
  const parsed = signedReceiptSchema.safeParse(stored);
  if (!parsed.success) return null;
  const keys = didDocument(didWebOf(deps.env.GATEWAY_URL), await listPublishedReceiptKeys(deps.db));
  const result = await verifyReceipt(parsed.data, { keys });
  return {
    ...parsed.data,
    kid: result.valid ? result.kid : null,
    issuedAt: result.valid ? new Date(result.payload.issuedAt * 1000) : null,
    verified: result.valid,
  };
}
