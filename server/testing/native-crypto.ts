import { useNativeKeccak } from "@/server/chain/native-keccak";
import { useNativeSecp256k1 } from "@/server/chain/native-secp256k1";

// The integration project's setup file (vitest.config.ts): viem's signature recovery, signing and
// Keccak-256 on the native bindings in each test worker, as in `npm start`.
if ((await useNativeSecp256k1()) !== "native")
  throw new Error("the secp256k1 binding did not load: npm ci installs its prebuilt binary");
if ((await useNativeKeccak()) !== "native")
  throw new Error("the keccak binding did not load: npm ci installs its prebuilt binary");
