import { useNativeSecp256k1 } from "@/server/chain/native-secp256k1";

// The integration project's setup file (vitest.config.ts): viem's signature recovery and signing on
// libsecp256k1 in each test worker, as in `npm start`.
if ((await useNativeSecp256k1()) !== "native")
  throw new Error("the secp256k1 binding did not load: npm ci installs its prebuilt binary");
