import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// Two projects: `unit` (pure code, no I/O) and `int` (real database + anvil). See STYLE.md 2.13.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: [
            "server/**/*.test.ts",
            "sdk/test/**/*.test.ts",
            "app/**/*.test.ts",
            "prisma/**/*.test.ts",
          ],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "int",
          include: [
            "server/**/*.int.test.ts",
            "sdk/test/**/*.int.test.ts",
            "prisma/**/*.int.test.ts",
          ],
          environment: "node",
          globalSetup: ["./server/testing/global-setup.ts"],
          // signature recovery and signing as `npm start` runs them (libsecp256k1), so every payment the
          // integration tests make goes through the native path
          setupFiles: ["./server/testing/native-crypto.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files share one anvil; each gets its own database. Two workers match the 2-core machines.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          // @x402/next imports `next/server` without an extension, which Node's ESM loader refuses;
          // letting Vite resolve it runs the package unchanged
          server: { deps: { inline: ["@x402/next"] } },
        },
      },
    ],
  },
});
