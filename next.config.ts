import path from "node:path";
import { fileURLToPath } from "node:url";

import { PHASE_PRODUCTION_BUILD } from "next/constants";
import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

import { parseServerEnv } from "./server/env";

// Fail the build on a malformed environment (formats only; secrets are checked at runtime).
parseServerEnv(process.env, { phase: "build" });

const root = path.dirname(fileURLToPath(import.meta.url));

const nextConfig = (phase: string): NextConfig => ({
  // `.next/standalone/server.js` + the node_modules it needs, for the Docker image and any other
  // host without a full install (`npm run build:standalone` adds the static files next to it). Set
  // for the build only: the same build also serves through `npm start` / `next start`, which
  // otherwise warn on every start that a standalone build should run as server.js
  output: phase === PHASE_PRODUCTION_BUILD ? "standalone" : undefined,
  // trace from this folder even when a lockfile sits in a parent directory (worktrees, monorepos)
  outputFileTracingRoot: root,
  // files read at runtime through computed paths, which the tracer cannot see (app/docs/_lib/docs.ts)
  outputFileTracingIncludes: {
    "/docs": ["./app/docs/_content/**/*", "./sdk/README.md", "./sdk/examples/**/*"],
    "/docs/**": ["./app/docs/_content/**/*", "./sdk/README.md", "./sdk/examples/**/*"],
  },
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
  // Next loads every route's server bundle at start by default; each holds its own copy of the
  // shared chunks' source (the bench measured ~400 MB of module source strings for ~25 routes). A
  // route is loaded on its first request instead, so a process keeps only what it serves (a
  // gateway-only instance: the health and metrics routes); a cold page costs its first visitor the load.
  experimental: { preloadEntriesOnStart: false },
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.json" },
});

// next-intl without i18n routing: the request config picks the locale from a cookie or Accept-Language
const withNextIntl = createNextIntlPlugin("./server/i18n/request.ts");

export default (phase: string): NextConfig => withNextIntl(nextConfig(phase));
