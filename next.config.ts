import type { NextConfig } from "next";

import { parseServerEnv } from "./server/env";

// Fail the build on a malformed environment (formats only; secrets are checked at runtime).
parseServerEnv(process.env, { phase: "build" });

const nextConfig: NextConfig = {
  // native, wasm or worker-based packages must be loaded by Node at runtime, not bundled
  serverExternalPackages: [
    "@prisma/client",
    "@prisma/adapter-pg",
    "@prisma/driver-adapter-utils",
    "@prisma/schema-engine-wasm",
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@node-rs/argon2",
    "pino",
  ],
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
