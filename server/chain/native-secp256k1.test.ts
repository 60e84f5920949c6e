import { secp256k1 as reference } from "@noble/curves/secp256k1";
import { keccak256, recoverAddress, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount, sign } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";

import { loadNativeSecp256k1, useNativeSecp256k1, viemNobleModules } from "./native-secp256k1";

// Recovery through libsecp256k1 must answer exactly as noble does: the same public key for every
// valid signature, the same error for every invalid one. The reference is the project's own copy
// of @noble/curves, which the patch leaves alone (it patches the copies viem loads); its error
// messages differ from viem's older copy, so refusals are compared by kind (the refusals themselves
// are noble's: the patch hands every signature the native library refuses back to noble).

type ViemNoble = typeof import("@noble/curves/secp256k1");

const N = reference.CURVE.n;
const randomHash = (i: number) => keccak256(toHex(`message ${i} ${Math.random()}`));

/** What the reference recovers for (r, s, recovery, hash), or the kind of error it throws. */
function referenceRecover(r: bigint, s: bigint, recovery: number, hash: string): string {
  try {
    return new reference.Signature(r, s)
      .addRecoveryBit(recovery)
      .recoverPublicKey(hash.slice(2))
      .toHex(false);
  } catch (err) {
    return `throws: ${(err as Error).name}`;
  }
}

let patched: ViemNoble;

beforeAll(async () => {
  expect(await useNativeSecp256k1()).toBe("native");
  // the ESM build, which viem's own ESM code (and so the official x402 packages) loads
  const [esm] = (await viemNobleModules()) as unknown as ViemNoble[];
  if (!esm) throw new Error("viem's noble copy was not found");
  patched = esm;
});

function patchedRecover(r: bigint, s: bigint, recovery: number, hash: string | Uint8Array) {
  try {
    return new patched.secp256k1.Signature(r, s)
      .addRecoveryBit(recovery)
      .recoverPublicKey(typeof hash === "string" ? hash.slice(2) : hash)
      .toHex(false);
  } catch (err) {
    return `throws: ${(err as Error).name}`;
  }
}

describe("native signature recovery", () => {
  it("loads the prebuilt binding on this platform and patches the copy viem uses", () => {
    expect(loadNativeSecp256k1()).not.toBeNull();
    const proto = patched.secp256k1.Signature.prototype as unknown as Record<symbol, unknown>;
    expect(proto[Symbol.for("x402-gateway.native-secp256k1")]).toBe(true);
  });

  it("viem recovers the signer of random signatures, as noble does", async () => {
    for (let i = 0; i < 100; i++) {
      const privateKey = generatePrivateKey();
      const hash = randomHash(i);
      const signature = await sign({ hash, privateKey, to: "object" });
      expect(await recoverAddress({ hash, signature })).toBe(
        privateKeyToAccount(privateKey).address,
      );
      const r = BigInt(signature.r);
      const s = BigInt(signature.s);
      const recovery = signature.yParity ?? 0;
      expect(patchedRecover(r, s, recovery, hash)).toBe(referenceRecover(r, s, recovery, hash));
      // the high-s twin of the same signature recovers the same key with the other parity
      expect(patchedRecover(r, N - s, 1 - recovery, hash)).toBe(
        referenceRecover(r, N - s, 1 - recovery, hash),
      );
      // the wrong parity recovers some other key, the same one both ways
      expect(patchedRecover(r, s, 1 - recovery, hash)).toBe(
        referenceRecover(r, s, 1 - recovery, hash),
      );
    }
  });

  it("refuses the signatures noble refuses", () => {
    const hash = randomHash(0);
    // recovery ids 2 and 3 take r + n as the x coordinate: outside the field for all but the
    // smallest r (refused), inside it for those (a key, the same one both ways)
    for (const recovery of [2, 3]) {
      const large = N - 5n;
      expect(patchedRecover(large, 99n, recovery, hash)).toMatch(/^throws: /);
      expect(patchedRecover(large, 99n, recovery, hash)).toBe(
        referenceRecover(large, 99n, recovery, hash),
      );
      const small = 12345678901234567890n;
      expect(patchedRecover(small, 99n, recovery, hash)).toBe(
        referenceRecover(small, 99n, recovery, hash),
      );
    }
    // an r that is the x coordinate of no curve point
    let r = 5n;
    while (!referenceRecover(r, 7n, 0, hash).startsWith("throws")) r += 1n;
    expect(patchedRecover(r, 7n, 0, hash)).toBe(referenceRecover(r, 7n, 0, hash));
  });

  it("leaves hashes that are not 32 bytes to noble", () => {
    const privateKey = reference.utils.randomPrivateKey();
    const long = new Uint8Array(48).fill(7);
    const sig = reference.sign(long, privateKey, { prehash: false });
    const want = referenceRecover(
      sig.r,
      sig.s,
      sig.recovery,
      `0x${Buffer.from(long).toString("hex")}`,
    );
    expect(patchedRecover(sig.r, sig.s, sig.recovery, long)).toBe(want);
  });

  it("signs as noble does: the same RFC 6979 signature, low s, with its recovery id", async () => {
    const curve = patched.secp256k1 as unknown as Record<symbol, unknown>;
    expect(curve[Symbol.for("x402-gateway.native-secp256k1")]).toBe(true);
    for (let i = 0; i < 100; i++) {
      const privateKey = generatePrivateKey();
      const hash = randomHash(i);
      const want = reference.sign(hash.slice(2), privateKey.slice(2), { lowS: true });
      const got = await sign({ hash, privateKey, to: "object" });
      expect({ r: BigInt(got.r), s: BigInt(got.s), yParity: got.yParity }).toEqual({
        r: want.r,
        s: want.s,
        yParity: want.recovery,
      });
    }
  });

  it("leaves signing with extra entropy, and invalid keys, to noble", () => {
    const hash = randomHash(1).slice(2);
    const key = reference.utils.randomPrivateKey();
    const entropic = patched.secp256k1.sign(hash, key, { lowS: true, extraEntropy: true });
    expect(
      reference.verify(
        entropic.toCompactRawBytes(),
        Buffer.from(hash, "hex"),
        reference.getPublicKey(key),
      ),
    ).toBe(true);
    expect(entropic).not.toEqual(patched.secp256k1.sign(hash, key, { lowS: true }));
    expect(() => patched.secp256k1.sign(hash, new Uint8Array(32), { lowS: true })).toThrow();
  });
});
