import { openSecret, sealSecret, type EncryptionKeys } from "@/server/crypto/secrets";
import { openPayoutAddress } from "@/server/merchants/merchants";

// A payment row names the wallet it pays (payTo: the merchant's own wallet in DIRECT mode) twice:
// in payTo and inside the signed payload. Both are sealed at rest like the merchant's payout address
// (server/crypto/secrets.ts) and opened only where a payment is settled, checked or shown.

export type SealedPayToRow = { payToCiphertext: string; payToKeyId: string };
export type SealedPayloadRow = { payloadCiphertext: string; payloadKeyId: string };

/** The sealed columns of a new payment's destination and signed payload. */
export function sealedPaymentColumns(
  input: { payTo: string; payloadEncoded: string },
  keys: EncryptionKeys,
): SealedPayToRow & SealedPayloadRow {
  const payTo = sealSecret(input.payTo.toLowerCase(), keys);
  const payload = sealSecret(input.payloadEncoded, keys);
  return {
    payToCiphertext: payTo.ciphertext,
    payToKeyId: payTo.keyId,
    payloadCiphertext: payload.ciphertext,
    payloadKeyId: payload.keyId,
  };
}

/** Where the payment went (lower-case address). */
export function openPayTo(row: SealedPayToRow, keys: EncryptionKeys): string {
  return openSecret({ ciphertext: row.payToCiphertext, keyId: row.payToKeyId }, keys);
}

/** The signed payment header as received (base64), for a later settlement. */
export function openPayload(row: SealedPayloadRow, keys: EncryptionKeys): string {
  return openSecret({ ciphertext: row.payloadCiphertext, keyId: row.payloadKeyId }, keys);
}

/** Whether the payer paid the merchant's own wallet (DIRECT) rather than the treasury. */
export function paidMerchantDirectly(
  payment: SealedPayToRow & {
    merchant: { payoutAddressCiphertext: string; payoutAddressKeyId: string };
  },
  keys: EncryptionKeys,
): boolean {
  return (
    openPayTo(payment, keys).toLowerCase() ===
    openPayoutAddress(payment.merchant, keys).toLowerCase()
  );
}

/** The Prisma select of what paidMerchantDirectly needs. */
export const directPaymentSelect = {
  payToCiphertext: true,
  payToKeyId: true,
  merchant: { select: { payoutAddressCiphertext: true, payoutAddressKeyId: true } },
} as const;
