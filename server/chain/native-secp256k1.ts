import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// Public-key recovery (and signing) on libsecp256k1 (the `secp256k1` package's prebuilt native
// binding) instead of @noble/curves' BigInt arithmetic, for the copies of noble that viem uses. Every x402 payment is
// checked by recovering its signer (viem's recoverAddress, called by the official @x402/evm
// facilitator in verify and again in settle, and by our local checks): on the bench machine that
// took ~2.3 ms per recovery in JavaScript and ~85 µs natively, about a fifth of a paid call's CPU.
//
// Only the arithmetic is swapped, inside noble's own Signature.recoverPublicKey and `sign`: the
// signature was parsed and range-checked by noble, the answer is still noble's Point or Signature
// (a point validated on the curve), and anything the native library refuses goes back to noble's
// code, which then answers or throws exactly as it did. A test compares random and edge-case
// signatures both ways.

type NativeSecp256k1 = {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
};

type NoblePoint = { toHex(compressed?: boolean): string };
type NobleSignature = {
  r: bigint;
  s: bigint;
  recovery?: number;
  toCompactRawBytes(): Uint8Array;
  recoverPublicKey(msgHash: Uint8Array | string): NoblePoint;
};
type SignOptions = { lowS?: boolean; extraEntropy?: unknown; prehash?: boolean };
type NobleSecp256k1Module = {
  secp256k1: {
    Signature: {
      prototype: NobleSignature;
      new (r: bigint, s: bigint, recovery?: number): NobleSignature;
    };
    ProjectivePoint: { fromHex(bytes: Uint8Array | string): NoblePoint };
    sign(
      msgHash: Uint8Array | string,
      privateKey: Uint8Array | string,
      opts?: SignOptions,
    ): NobleSignature;
  };
};

const PATCHED = Symbol.for("x402-gateway.native-secp256k1");

/** 32 bytes from bytes or hex (noble takes both), or null for anything else. */
function bytes32(value: Uint8Array | string): Uint8Array | null {
  if (value instanceof Uint8Array) return value.length === 32 ? value : null;
  const hex = value.startsWith("0x") ? value.slice(2) : value;
  if (hex.length !== 64 || !/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return Buffer.from(hex, "hex");
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString("hex")}`);

/**
 * Routes one noble copy's `sign` through `native` for what viem asks of it (a 32-byte hash, low-s,
 * no extra entropy): both derive the nonce by RFC 6979 and normalise s, so the signature is the
 * same one (a test compares them); anything else stays with noble. The facilitator signs each
 * settlement transaction with it (~1 ms in JavaScript).
 */
export function patchNobleSigning(noble: NobleSecp256k1Module, native: NativeSecp256k1): boolean {
  const curve = noble.secp256k1 as NobleSecp256k1Module["secp256k1"] & { [PATCHED]?: true };
  if (curve[PATCHED]) return false;
  const original = curve.sign.bind(curve);
  const { Signature } = curve;
  curve.sign = function sign(msgHash, privateKey, opts) {
    const hash = bytes32(msgHash);
    const key = bytes32(privateKey);
    const plain = !opts?.extraEntropy && opts?.lowS !== false && !opts?.prehash;
    if (hash && key && plain) {
      let signed: { signature: Uint8Array; recid: number } | null = null;
      try {
        signed = native.ecdsaSign(hash, key);
      } catch {
        signed = null;
      }
      if (signed) {
        const { signature, recid } = signed;
        return new Signature(
          toBigInt(signature.subarray(0, 32)),
          toBigInt(signature.subarray(32)),
          recid,
        );
      }
    }
    return original(msgHash, privateKey, opts);
  };
  Object.defineProperty(curve, PATCHED, { value: true });
  return true;
}

/** Routes one noble copy's Signature.recoverPublicKey through `native`; false if it already was. */
export function patchNobleRecovery(noble: NobleSecp256k1Module, native: NativeSecp256k1): boolean {
  const proto = noble.secp256k1.Signature.prototype as NobleSignature & { [PATCHED]?: true };
  if (proto[PATCHED]) return false;
  const { ProjectivePoint } = noble.secp256k1;
  const original = proto.recoverPublicKey;
  proto.recoverPublicKey = function recoverPublicKey(this: NobleSignature, msgHash) {
    const hash = bytes32(msgHash);
    const recovery = this.recovery;
    // noble's own path for what it alone decides: a hash that is not 32 bytes (truncated to the
    // curve order by noble), a missing or out-of-range recovery id, and every refusal below
    if (hash && (recovery === 0 || recovery === 1 || recovery === 2 || recovery === 3)) {
      let publicKey: Uint8Array | null = null;
      try {
        publicKey = native.ecdsaRecover(this.toCompactRawBytes(), recovery, hash, false);
      } catch {
        publicKey = null;
      }
      if (publicKey) return ProjectivePoint.fromHex(publicKey);
    }
    return original.call(this, msgHash);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
  return true;
}

/** The native binding, or null where it cannot load (no prebuilt binary for this platform). */
export function loadNativeSecp256k1(): NativeSecp256k1 | null {
  try {
    // `secp256k1/bindings` alone: the package's main entry silently falls back to a JS library
    return createRequire(import.meta.url)("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return null;
  }
}

/** The noble secp256k1 modules viem loads (its ESM and CommonJS builds), as viem resolves them. */
export async function viemNobleModules(): Promise<NobleSecp256k1Module[]> {
  const fromViem = createRequire(createRequire(import.meta.url).resolve("viem"));
  const nobleRoot = path.dirname(fromViem.resolve("@noble/curves/secp256k1"));
  return Promise.all(
    [path.join(nobleRoot, "esm", "secp256k1.js"), path.join(nobleRoot, "secp256k1.js")].map(
      (file) => import(pathToFileURL(file).href) as Promise<NobleSecp256k1Module>,
    ),
  );
}

/**
 * Makes viem's signature recovery and signing native for this process (`npm start`, the
 * integration tests). "unavailable" when the binding does not load: both stay on noble, slower
 * but the same.
 */
export async function useNativeSecp256k1(): Promise<"native" | "unavailable"> {
  const native = loadNativeSecp256k1();
  if (!native) return "unavailable";
  for (const noble of await viemNobleModules()) {
    patchNobleRecovery(noble, native);
    patchNobleSigning(noble, native);
  }
  return "native";
}
