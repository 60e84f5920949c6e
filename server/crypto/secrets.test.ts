import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { openSecret, sealSecret } from "./secrets";

const key = randomBytes(32).toString("base64");

describe("sealed secrets", () => {
  it("round-trip under the key, and differ each time they are sealed", () => {
    const a = sealSecret("whsec_abc", key);
    const b = sealSecret("whsec_abc", key);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain("whsec_abc");
    expect(openSecret(a, key)).toBe("whsec_abc");
  });

  it("refuse another key, tampering, and a key of the wrong size", () => {
    const sealed = sealSecret("whsec_abc", key);
    expect(() => openSecret(sealed, randomBytes(32).toString("base64"))).toThrow(/sealed with key/);
    const bytes = Buffer.from(sealed.ciphertext, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => openSecret({ ...sealed, ciphertext: bytes.toString("base64") }, key)).toThrow();
    expect(() => sealSecret("x", Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });
});
