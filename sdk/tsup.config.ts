import { defineConfig } from "tsup";

// ESM + CJS + declarations for npm, and one self-contained browser bundle (global `X402Gateway`)
// for a <script> tag and the browser test.
export default defineConfig([
  {
    // `verify` is for merchants' servers (checking X-Gateway-Signature); it stays out of the browser bundle
    entry: { index: "src/index.ts", verify: "src/verify.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    tsconfig: "tsconfig.json",
  },
  {
    entry: { "x402-gateway": "src/index.ts" },
    format: ["iife"],
    globalName: "X402Gateway",
    platform: "browser",
    minify: true,
    noExternal: [/.*/],
    target: "es2022",
    tsconfig: "tsconfig.json",
  },
]);
