// Every value the database stores sealed (server/crypto/secrets.ts), for the two jobs that touch
// them all: sealing the clear values of rows written before sealing (seal-legacy.ts) and re-sealing
// under a new key (rotate-keys.ts). A column added to this list is covered by both, and by the
// database-dump test. Table and column names are constants here, never input: the jobs put them in
// SQL as quoted identifiers.

export type SealedColumn = {
  table: string;
  /** what the column holds, for reports */
  label: string;
  ciphertext: string;
  keyId: string;
  /** the keyed hash equality lookups use (recomputed under the current key with the ciphertext) */
  hash?: string;
  /** the clear column of rows from before sealing (null once sealed) */
  legacy?: string;
  /** applied to a legacy clear value before it is sealed and hashed */
  normalize?: (value: string) => string;
  /** a nullable sealed column: rows where it is null hold no value */
  nullable?: boolean;
};

const lowerCase = (value: string) => value.trim().toLowerCase();

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    table: "User",
    label: "wallet address",
    ciphertext: "walletAddressCiphertext",
    keyId: "walletAddressKeyId",
    hash: "walletAddressHash",
    legacy: "legacyWalletAddress",
    normalize: lowerCase,
    nullable: true,
  },
  {
    table: "Merchant",
    label: "payout address",
    ciphertext: "payoutAddressCiphertext",
    keyId: "payoutAddressKeyId",
    hash: "payoutAddressHash",
    legacy: "legacyPayoutAddress",
    normalize: lowerCase,
  },
  {
    table: "Payment",
    label: "payTo",
    ciphertext: "payToCiphertext",
    keyId: "payToKeyId",
    legacy: "legacyPayTo",
    normalize: lowerCase,
  },
  {
    table: "Payment",
    label: "signed payload",
    ciphertext: "payloadCiphertext",
    keyId: "payloadKeyId",
    legacy: "legacyPayloadEncoded",
  },
  {
    table: "Payout",
    label: "destination address",
    ciphertext: "toAddressCiphertext",
    keyId: "toAddressKeyId",
    legacy: "legacyToAddress",
    normalize: lowerCase,
  },
  {
    table: "Payout",
    label: "signed transaction",
    ciphertext: "signedTxCiphertext",
    keyId: "signedTxKeyId",
    legacy: "legacySignedTx",
    nullable: true,
  },
  {
    table: "WebhookEndpoint",
    label: "signing secret",
    ciphertext: "secretCiphertext",
    keyId: "secretKeyId",
  },
  {
    table: "GatewaySigningSecret",
    label: "signing secret",
    ciphertext: "secretCiphertext",
    keyId: "secretKeyId",
  },
  {
    table: "UpstreamCredential",
    label: "credential value",
    ciphertext: "valueCiphertext",
    keyId: "valueKeyId",
  },
  // platform settings that are secrets (the hosted facilitator's URL and credentials, as sealed JSON)
  {
    table: "PlatformSecret",
    label: "platform secret",
    ciphertext: "valueCiphertext",
    keyId: "valueKeyId",
  },
  // the private half of the `offer-receipt` signing keys (server/receipts/keys.ts)
  {
    table: "ReceiptSigningKey",
    label: "receipt signing key",
    ciphertext: "privateKeyCiphertext",
    keyId: "privateKeyKeyId",
  },
  // a replayable public-API response (can hold a created key or webhook secret); rows live a day
  {
    table: "ApiIdempotencyKey",
    label: "replayable response",
    ciphertext: "responseCiphertext",
    keyId: "responseKeyId",
    legacy: "responseBody",
    nullable: true,
  },
];

/** A quoted SQL identifier (the names above are plain; the check keeps it so). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
}
