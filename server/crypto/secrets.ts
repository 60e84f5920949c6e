import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Secrets at rest (webhook signing secrets, later upstream credentials): AES-256-GCM under
// ENCRYPTION_KEY. The key id (a hash prefix of the key) is stored beside each ciphertext so a key
// rotation can tell which key sealed a value.

export type SealedSecret = { ciphertext: string; keyId: string };

function keyBytes(base64Key: string): Buffer {
  const key = Buffer.from(base64Key, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be base64 of exactly 32 bytes");
  return key;
}

export function encryptionKeyId(base64Key: string): string {
  return createHash("sha256").update(keyBytes(base64Key)).digest("hex").slice(0, 12);
}

export function sealSecret(plaintext: string, base64Key: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyBytes(base64Key), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: Buffer.concat([iv, tag, body]).toString("base64"), keyId: encryptionKeyId(base64Key) };
}

export function openSecret(sealed: SealedSecret, base64Key: string): string {
  if (sealed.keyId !== encryptionKeyId(base64Key)) throw new Error(`secret was sealed with key ${sealed.keyId}, not the configured one`);
  const raw = Buffer.from(sealed.ciphertext, "base64");
  const decipher = createDecipheriv("aes-256-gcm", keyBytes(base64Key), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
