import { z } from "zod";

// What the admin console shows of the receipt signing keys: ids and dates, never a private key.

export const receiptKeyViewSchema = z.object({
  id: z.string(),
  generation: z.number().int(),
  algorithm: z.string(),
  /** the DID URL offers and receipts name in their JWS header */
  kid: z.string(),
  createdAt: z.date(),
  /** null for the key that signs now */
  retiredAt: z.date().nullable(),
});

export const receiptKeysViewSchema = z.object({
  /** where verifiers find every key: the gateway origin's /.well-known/did.json */
  didDocumentUrl: z.string(),
  keys: z.array(receiptKeyViewSchema),
});
export type ReceiptKeysView = z.infer<typeof receiptKeysViewSchema>;
