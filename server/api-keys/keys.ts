import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Pure parts of API keys: the key format and its hash. A key is `x4g_live_<8 id chars>_<32 secret
// chars>`; the `x4g_live_<8>` prefix is stored for lookup and display, the SHA-256 of the whole key
// for verification, never the key.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
export const API_KEY_PATTERN = /^x4g_live_[0-9a-z]{8}_[0-9a-z]{32}$/;

function randomChars(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}

export function generateApiKey(): {
  key: string;
  prefix: string;
  partialKey: string;
  keyHash: string;
} {
  const prefix = `x4g_live_${randomChars(8)}`;
  const key = `${prefix}_${randomChars(32)}`;
  return { key, prefix, partialKey: key.slice(-4), keyHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function prefixOf(key: string): string | null {
  return API_KEY_PATTERN.test(key) ? key.slice(0, "x4g_live_".length + 8) : null;
}

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatchesHash(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
