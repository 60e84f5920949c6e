import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

import * as reference from "@noble/hashes/sha3";
import { beforeAll, describe, expect, it } from "vitest";

import {
  loadNativeKeccak,
  patchNobleKeccak,
  viemNobleSha3Modules,
  type NobleSha3Module,
} from "./native-keccak";

// Keccak-256 through the native binding must hash exactly as noble does, and every other use of
// noble's Keccak class (SHA-3, SHAKE, clones, XOF reads, misuse) must stay noble's. The patch is
// applied to the CommonJS copy viem resolves; the reference is the ESM copy, which this unit test
// leaves alone.

type Sha3 = typeof reference;
let patched: Sha3;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

beforeAll(async () => {
  const binding = loadNativeKeccak();
  expect(binding).not.toBeNull();
  const viemRoot = path.dirname(createRequire(import.meta.url).resolve("viem"));
  const cjs = createRequire(path.join(viemRoot, "index.js"))("@noble/hashes/sha3") as Sha3;
  expect(patchNobleKeccak(cjs as unknown as NobleSha3Module, binding!)).toBe(true);
  expect(patchNobleKeccak(cjs as unknown as NobleSha3Module, binding!)).toBe(false);
  patched = cjs;
  expect(patched.Keccak).not.toBe(reference.Keccak);
});

describe("native Keccak-256 under noble", () => {
  it("finds both of viem's copies of noble's SHA-3", async () => {
    const modules = await viemNobleSha3Modules();
    expect(modules).toHaveLength(2);
    for (const m of modules) expect(typeof m.Keccak).toBe("function");
  });

  it("hashes random input of every length around the block size as noble does, natively", () => {
    expect(hex(patched.keccak_256(new Uint8Array(0)))).toBe(
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    for (let len = 0; len <= 420; len += 1) {
      const data = new Uint8Array(randomBytes(len));
      expect(hex(patched.keccak_256(data))).toBe(hex(reference.keccak_256(data)));
    }
    // the input is kept, not absorbed by noble: 300 bytes would have run its permutation twice
    const h = patched.keccak_256.create().update(new Uint8Array(randomBytes(300)));
    expect((h as unknown as { state32: Uint32Array }).state32.every((w) => w === 0)).toBe(true);
  });

  it("gives the same digest for input in chunks, for a clone taken midway, and for strings", () => {
    for (let i = 0; i < 50; i += 1) {
      const a = new Uint8Array(randomBytes(1 + ((i * 37) % 300)));
      const b = new Uint8Array(randomBytes(1 + ((i * 53) % 200)));
      const c = new Uint8Array(randomBytes(17));
      expect(hex(patched.keccak_256.create().update(a).update(b).digest())).toBe(
        hex(reference.keccak_256(concat(a, b))),
      );
      const h = patched.keccak_256.create().update(a);
      const clone = h.clone();
      expect(hex(clone.update(b).digest())).toBe(hex(reference.keccak_256(concat(a, b))));
      expect(hex(h.update(c).digest())).toBe(hex(reference.keccak_256(concat(a, c))));
    }
    expect(hex(patched.keccak_256.create().update("x402").digest())).toBe(
      hex(reference.keccak_256("x402")),
    );
  });

  it("leaves SHA-3, other Keccak sizes, SHAKE and longer outputs to noble, with its answers", () => {
    for (const len of [0, 1, 135, 136, 137, 500]) {
      const data = new Uint8Array(randomBytes(len));
      expect(hex(patched.sha3_256(data))).toBe(hex(reference.sha3_256(data)));
      expect(hex(patched.keccak_512(data))).toBe(hex(reference.keccak_512(data)));
      expect(hex(patched.shake128(data, { dkLen: 77 }))).toBe(
        hex(reference.shake128(data, { dkLen: 77 })),
      );
      const long = new Uint8Array(40);
      const refLong = new Uint8Array(40);
      patched.keccak_256.create().update(data).digestInto(long);
      reference.keccak_256.create().update(data).digestInto(refLong);
      expect(hex(long)).toBe(hex(refLong));
    }
  });

  it("refuses misuse as noble does: a second digest, an update after it, an XOF read", () => {
    const misuse = (sha3: Sha3) => {
      const h = sha3.keccak_256.create().update(new Uint8Array([1, 2, 3]));
      h.digest();
      const errors: string[] = [];
      for (const step of [() => h.digest(), () => h.update(new Uint8Array([4]))])
        try {
          step();
          errors.push("no error");
        } catch (err) {
          errors.push((err as Error).message);
        }
      try {
        (sha3.keccak_256.create() as unknown as { xof(n: number): Uint8Array }).xof(32);
        errors.push("no error");
      } catch (err) {
        errors.push((err as Error).message);
      }
      return errors;
    };
    expect(misuse(patched)).toEqual(misuse(reference));
    expect(misuse(patched)).not.toContain("no error");
  });
});
