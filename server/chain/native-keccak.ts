import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// Keccak-256 on the `keccak` package's prebuilt native binding instead of @noble/hashes' JavaScript
// permutation, for the copies of noble that viem uses. A paid call hashes a few dozen times (the
// EIP-712 digest of its authorization, in verify and again in settle, the settlement transaction,
// addresses, event logs): on the bench machine ~23 µs per hash in JavaScript, ~4.5 µs natively,
// about a twentieth of a paid call's CPU.
//
// Only one-shot Keccak-256 (what viem's keccak256 does: create, update with bytes, digest) is
// routed: an instance's input is kept until its digest and hashed natively there. Anything else —
// other SHA-3 and SHAKE instances, a clone, an XOF read, a digest into a longer buffer, input that
// is not bytes, an instance used after its digest — absorbs the kept input with noble's own code
// first and goes on in noble exactly as before. A test compares both ways.

type KeccakStateBinding = new () => {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
};

type NobleKeccak = {
  blockLen: number;
  suffix: number;
  outputLen: number;
  enableXOF: boolean;
  rounds: number;
  pos: number;
  posOut: number;
  finished: boolean;
  destroyed: boolean;
  state32: Uint32Array;
  update(data: unknown): NobleKeccak;
  digestInto(out: Uint8Array): Uint8Array;
  finish(): void;
  writeInto(out: Uint8Array): Uint8Array;
  xofInto(out: Uint8Array): Uint8Array;
  keccak(): void;
  destroy(): void;
  _cloneInto(to?: NobleKeccak): NobleKeccak;
};

export type NobleSha3Module = { Keccak: { prototype: NobleKeccak } };

const PATCHED = Symbol.for("x402-gateway.native-keccak");
/** the input kept for a native digest; absent once (or if) the instance runs on noble's code */
const KEPT = Symbol("kept input");
/** set once an instance is known to run on noble's code */
const ON_NOBLE = Symbol("on noble");

type Tracked = NobleKeccak & { [KEPT]?: Uint8Array[]; [ON_NOBLE]?: true };

function untouched(h: Tracked): boolean {
  if (h.pos !== 0 || h.posOut !== 0 || h.finished || h.destroyed) return false;
  // a clone or an instance whose whole blocks noble already absorbed has a non-zero state
  for (let i = 0; i < h.state32.length; i++) if (h.state32[i] !== 0) return false;
  return true;
}

const isKeccak256 = (h: NobleKeccak) =>
  h.suffix === 0x01 && h.blockLen === 136 && h.outputLen === 32 && !h.enableXOF && h.rounds === 24;

/** Routes one noble copy's Keccak-256 digests through `KeccakState`; false if it already was. */
export function patchNobleKeccak(noble: NobleSha3Module, KeccakState: KeccakStateBinding): boolean {
  const proto = noble.Keccak.prototype as Tracked & { [PATCHED]?: true };
  if (proto[PATCHED]) return false;
  const original = {
    update: proto.update,
    digestInto: proto.digestInto,
    finish: proto.finish,
    writeInto: proto.writeInto,
    xofInto: proto.xofInto,
    keccak: proto.keccak,
    destroy: proto.destroy,
    _cloneInto: proto._cloneInto,
  };
  // the kept input, absorbed by noble: from here on the instance is noble's alone
  const onNoble = (h: Tracked) => {
    const kept = h[KEPT];
    h[ON_NOBLE] = true;
    if (!kept) return;
    delete h[KEPT];
    for (const chunk of kept) original.update.call(h, chunk);
  };

  proto.update = function update(this: Tracked, data: unknown) {
    if (!this[ON_NOBLE] && data instanceof Uint8Array) {
      const kept = this[KEPT];
      if (kept) {
        kept.push(data);
        return this;
      }
      if (isKeccak256(this) && untouched(this)) {
        this[KEPT] = [data];
        return this;
      }
    }
    onNoble(this);
    return original.update.call(this, data);
  };
  proto.digestInto = function digestInto(this: Tracked, out: Uint8Array) {
    const kept = this[KEPT];
    if (kept && out instanceof Uint8Array && out.length === this.outputLen) {
      let digest: Buffer | null = null;
      try {
        const state = new KeccakState();
        state.initialize(1088, 512);
        for (const chunk of kept)
          state.absorb(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        state.absorbLastFewBits(0x01);
        digest = state.squeeze(32);
      } catch {
        digest = null;
      }
      if (digest) {
        delete this[KEPT];
        this[ON_NOBLE] = true;
        out.set(digest);
        // as noble leaves it after a digest: finished, its state wiped
        this.finished = true;
        original.destroy.call(this);
        return out;
      }
    }
    onNoble(this);
    return original.digestInto.call(this, out);
  };
  for (const name of [
    "finish",
    "writeInto",
    "xofInto",
    "keccak",
    "destroy",
    "_cloneInto",
  ] as const) {
    const fn = original[name] as (this: Tracked, ...args: unknown[]) => unknown;
    (proto as unknown as Record<string, unknown>)[name] = function (
      this: Tracked,
      ...args: unknown[]
    ) {
      onNoble(this);
      return fn.apply(this, args);
    };
  }
  Object.defineProperty(proto, PATCHED, { value: true });
  return true;
}

/** The native binding, or null where it cannot load (no prebuilt binary for this platform). */
export function loadNativeKeccak(): KeccakStateBinding | null {
  try {
    const manifest = createRequire(import.meta.url).resolve("keccak/package.json");
    // the binding alone: the package's main entry silently falls back to a JS implementation
    const load = createRequire(manifest)("node-gyp-build") as (dir: string) => unknown;
    const dir = path.dirname(manifest);
    const binding = load(dir);
    return typeof binding === "function" ? (binding as KeccakStateBinding) : null;
  } catch {
    return null;
  }
}

/** The noble SHA-3 modules viem loads (its ESM and CommonJS builds), as viem resolves them. */
export async function viemNobleSha3Modules(): Promise<NobleSha3Module[]> {
  const fromViem = createRequire(createRequire(import.meta.url).resolve("viem"));
  const nobleRoot = path.dirname(fromViem.resolve("@noble/hashes/sha3"));
  return Promise.all(
    [path.join(nobleRoot, "esm", "sha3.js"), path.join(nobleRoot, "sha3.js")].map(
      (file) => import(pathToFileURL(file).href) as Promise<NobleSha3Module>,
    ),
  );
}

/**
 * Makes viem's Keccak-256 native for this process (`npm start`, the integration tests).
 * "unavailable" when the binding does not load: hashing stays on noble, slower but the same.
 */
export async function useNativeKeccak(): Promise<"native" | "unavailable"> {
  const binding = loadNativeKeccak();
  if (!binding) return "unavailable";
  for (const noble of await viemNobleSha3Modules()) patchNobleKeccak(noble, binding);
  return "native";
}
