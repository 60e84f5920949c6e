import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  addressLookupHashes,
  currentKeyId,
  encryptionKeyId,
  keyRingOf,
  lookupHash,
  lookupHashes,
  openSecret,
  sealAddress,
  sealSecret,
  UnknownEncryptionKeyError,
} from "./secrets";

const newKey = () => randomBytes(32).toString("base64");
const keyA = newKey();
const keyB = newKey();
const onlyA = { ENCRYPTION_KEY: keyA };
const rotated = { ENCRYPTION_KEY: keyB, ENCRYPTION_KEYS_PREVIOUS: keyA };

function flipLastByte(ciphertext: string): string {
  const bytes = Buffer.from(ciphertext, "base64");
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  return bytes.toString("base64");
}

describe("sealed secrets", () => {
  it("round-trip under the key, and differ each time they are sealed", () => {
    const a = sealSecret("whsec_abc", onlyA);
    const b = sealSecret("whsec_abc", onlyA);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("whsec_abc");
    expect(a.keyId).toBe(encryptionKeyId(keyA));
    expect(openSecret(a, onlyA)).toBe("whsec_abc");
  });

  it("refuse tampering, a truncated value, and a key of the wrong size", () => {
    const sealed = sealSecret("whsec_abc", onlyA);
    expect(() =>
      openSecret({ ...sealed, ciphertext: flipLastByte(sealed.ciphertext) }, onlyA),
    ).toThrow(/unable to authenticate/i);
    expect(() =>
      openSecret({ ...sealed, ciphertext: Buffer.from("short").toString("base64") }, onlyA),
    ).toThrow(/truncated/);
    expect(() =>
      sealSecret("x", { ENCRYPTION_KEY: Buffer.from("short").toString("base64") }),
    ).toThrow(/32 bytes/);
  });
});

describe("the key ring", () => {
  it("seals with the current key and opens a value sealed under a previous key by its id", () => {
    const underA = sealSecret("gws_old", onlyA);
    expect(openSecret(underA, rotated)).toBe("gws_old");
    const underB = sealSecret("gws_new", rotated);
    expect(underB.keyId).toBe(encryptionKeyId(keyB));
    expect(currentKeyId(rotated)).toBe(encryptionKeyId(keyB));
    expect(openSecret(underB, rotated)).toBe("gws_new");
  });

  it("names the key id when a value's key is not in the ring", () => {
    const underA = sealSecret("gws_old", onlyA);
    const attempt = () => openSecret(underA, { ENCRYPTION_KEY: keyB });
    expect(attempt).toThrow(UnknownEncryptionKeyError);
    expect(attempt).toThrow(
      `value was sealed with encryption key ${encryptionKeyId(keyA)}, which is neither ENCRYPTION_KEY nor listed in ENCRYPTION_KEYS_PREVIOUS`,
    );
  });

  it("refuses a ciphertext moved under another key's id", () => {
    const underA = sealSecret("gws_old", onlyA);
    expect(() =>
      openSecret({ ciphertext: underA.ciphertext, keyId: encryptionKeyId(keyB) }, rotated),
    ).toThrow(/unable to authenticate/i);
  });

  it("reads ENCRYPTION_KEYS_PREVIOUS as a comma-separated list, ignoring blanks and repeats", () => {
    const keyC = newKey();
    const ring = keyRingOf({
      ENCRYPTION_KEY: keyB,
      ENCRYPTION_KEYS_PREVIOUS: ` ${keyA}, ,${keyC},${keyB}`,
    });
    expect([...ring.byId.keys()]).toEqual([keyB, keyA, keyC].map(encryptionKeyId));
    expect(openSecret(sealSecret("x", { ENCRYPTION_KEY: keyC }), ring)).toBe("x");
  });
});

describe("keyed lookup hashes", () => {
  it("are deterministic per key, differ between keys, and are not a plain hash of the value", () => {
    const address = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    expect(lookupHash(address, onlyA)).toBe(lookupHash(address, onlyA));
    expect(lookupHash(address, { ENCRYPTION_KEY: keyB })).not.toBe(lookupHash(address, onlyA));
    expect(lookupHash(address, onlyA)).toMatch(/^[0-9a-f]{64}$/);
    expect(lookupHashes(address, rotated)).toEqual([
      lookupHash(address, { ENCRYPTION_KEY: keyB }),
      lookupHash(address, onlyA),
    ]);
  });

  it("match an address however it is cased", () => {
    const sealed = sealAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", onlyA);
    expect(openSecret(sealed, onlyA)).toBe("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    expect(addressLookupHashes("0x70997970C51812DC3A010C7D01B50E0D17DC79C8", rotated)).toContain(
      sealed.hash,
    );
  });
});
