export { isEncryptionKey, previousKeysOf } from "./key-format";
import { previousKeysOf } from "./key-format";
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from "node:crypto";

// Secrets and sensitive values at rest (webhook and gateway signing secrets, upstream credentials,
// merchant payout and user wallet addresses): AES-256-GCM under a key ring from the environment.
// ENCRYPTION_KEY is the current key and seals every new value; ENCRYPTION_KEYS_PREVIOUS lists keys
// that still open values sealed before a rotation. Each value is stored with the id of the key that
// sealed it (a hash prefix of the key), so opening picks the key by id and `npm run keys:rotate` knows
// which rows still need re-sealing.
//
// Values that must be found by equality (a wallet's user at sign-in) also get a keyed hash: HMAC-SHA256
// under a lookup key derived from the same ring key (HKDF, so the cipher key is never used as a MAC
// key). A plain SHA-256 of an address would be no secret at all (addresses are public and few enough
// to enumerate); a keyed hash reveals nothing without the key, and rotating the key rotates it too.

export type SealedSecret = { ciphertext: string; keyId: string };

/** The part of the environment the key ring is read from (ServerEnv satisfies it). */
export type EncryptionKeys = {
  ENCRYPTION_KEY: string;
  ENCRYPTION_KEYS_PREVIOUS?: string | undefined;
};

type RingKey = { id: string; cipherKey: Buffer; lookupKey: Buffer };
export type KeyRing = { current: RingKey; byId: ReadonlyMap<string, RingKey> };

/** A value sealed under a key that is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS. */
export class UnknownEncryptionKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `value was sealed with encryption key ${keyId}, which is neither ENCRYPTION_KEY nor listed in ENCRYPTION_KEYS_PREVIOUS`,
    );
    this.name = "UnknownEncryptionKeyError";
  }
}

const LOOKUP_INFO = "x402-gateway lookup hash v1";

function keyBytes(base64Key: string): Buffer {
  const key = Buffer.from(base64Key.trim(), "base64");
  if (key.length !== 32) throw new Error("an encryption key must be base64 of exactly 32 bytes");
  return key;
}

/** Whether a string is a usable key (base64 of 32 bytes); the env schema uses it. */
export function encryptionKeyId(base64Key: string): string {
  return createHash("sha256").update(keyBytes(base64Key)).digest("hex").slice(0, 12);
}

function ringKey(base64Key: string): RingKey {
  const cipherKey = keyBytes(base64Key);
  return {
    id: encryptionKeyId(base64Key),
    cipherKey,
    lookupKey: Buffer.from(hkdfSync("sha256", cipherKey, Buffer.alloc(0), LOOKUP_INFO, 32)),
  };
}

/** The previous keys of ENCRYPTION_KEYS_PREVIOUS (comma-separated, blanks ignored). */
const rings = new Map<string, KeyRing>();

/** The key ring of an environment; built once per distinct key set (callers pass `deps.env`). */
export function keyRingOf(keys: EncryptionKeys | KeyRing): KeyRing {
  if ("current" in keys) return keys;
  const cacheKey = `${keys.ENCRYPTION_KEY}|${keys.ENCRYPTION_KEYS_PREVIOUS ?? ""}`;
  const cached = rings.get(cacheKey);
  if (cached) return cached;
  const current = ringKey(keys.ENCRYPTION_KEY);
  const byId = new Map<string, RingKey>([[current.id, current]]);
  for (const previous of previousKeysOf(keys.ENCRYPTION_KEYS_PREVIOUS)) {
    const key = ringKey(previous);
    if (!byId.has(key.id)) byId.set(key.id, key);
  }
  const ring = { current, byId };
  rings.set(cacheKey, ring);
  return ring;
}

/** The id of the key new values are sealed with. */
export function currentKeyId(keys: EncryptionKeys | KeyRing): string {
  return keyRingOf(keys).current.id;
}

/** Seals a value under the current key: a fresh 96-bit IV each time, so equal values differ. */
export function sealSecret(plaintext: string, keys: EncryptionKeys | KeyRing): SealedSecret {
  const { current } = keyRingOf(keys);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.cipherKey, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: Buffer.concat([iv, tag, body]).toString("base64"), keyId: current.id };
}

/**
 * Opens a sealed value with the ring key its id names. Throws UnknownEncryptionKeyError for a key
 * the ring lacks, and refuses a ciphertext whose authentication tag does not verify (tampered, or
 * an id that does not match the key that sealed it).
 */
export function openSecret(sealed: SealedSecret, keys: EncryptionKeys | KeyRing): string {
  const key = keyRingOf(keys).byId.get(sealed.keyId);
  if (!key) throw new UnknownEncryptionKeyError(sealed.keyId);
  const raw = Buffer.from(sealed.ciphertext, "base64");
  if (raw.length < 28) throw new Error("sealed value is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key.cipherKey, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

function hmac(key: RingKey, value: string): string {
  return createHmac("sha256", key.lookupKey).update(value, "utf8").digest("hex");
}

/** The keyed hash of a value under the current key (stored beside the sealed value, same key id). */
export function lookupHash(value: string, keys: EncryptionKeys | KeyRing): string {
  return hmac(keyRingOf(keys).current, value);
}

/**
 * The value's keyed hash under every key of the ring, current first: a lookup matches rows written
 * before a rotation finished (`WHERE hash IN (…)`).
 */
export function lookupHashes(value: string, keys: EncryptionKeys | KeyRing): string[] {
  return [...keyRingOf(keys).byId.values()].map((key) => hmac(key, value));
}

export type SealedAddress = SealedSecret & { hash: string };

/** Seals a 0x address (lower-cased first, so its hash matches however it was typed) with its keyed hash. */
export function sealAddress(address: string, keys: EncryptionKeys | KeyRing): SealedAddress {
  const normalized = address.toLowerCase();
  return { ...sealSecret(normalized, keys), hash: lookupHash(normalized, keys) };
}

/** The keyed hashes an address may be stored under (every key of the ring): for `hash IN (…)`. */
export function addressLookupHashes(address: string, keys: EncryptionKeys | KeyRing): string[] {
  return lookupHashes(address.toLowerCase(), keys);
}
