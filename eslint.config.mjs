// ESLint (flat config). Type-aware rules are left out on purpose: `tsc --noEmit` already runs in
// `npm run build`, and the type-aware pass would double the lint time on a 2-core CI machine.
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

/** The layers of server/: a folder may import the ones listed after it, never the reverse. */
const layerRules = [
  {
    // protocol, money and pricing know nothing of how the gateway orchestrates a request
    files: [
      "server/x402/**",
      "server/payments/**",
      "server/pricing/**",
      "server/entitlements/**",
      "server/facilitator/**",
    ],
    patterns: [
      {
        group: ["@/server/gateway/*", "../gateway/*"],
        message: "server/gateway depends on this layer, not the reverse",
      },
    ],
  },
  {
    files: ["server/**"],
    patterns: [
      {
        group: ["@/app/*", "../app/*"],
        message: "server/ must not import from app/ (pages depend on server, not the reverse)",
      },
    ],
  },
  {
    files: ["sdk/src/**"],
    patterns: [
      {
        group: ["@/*", "../server/*", "../../server/*", "../app/*"],
        message: "the SDK is published on its own: no imports from the app or server",
      },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".data/**",
      "sdk/dist/**",
      "sdk/node_modules/**",
      "server/db/generated/**",
      "test-results/**",
      "playwright-report/**",
      "coverage/**",
      "next-env.d.ts",
      // generated files keep their generator's shape (tests compare them byte for byte)
      "sdk/src/admin/schema.ts",
      "server/chain/contracts.artifact.ts",
      "server/db/migration-names.ts",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "none",
          ignoreRestSiblings: true,
        },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      "no-console": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["app/**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // server/env.ts is the one reader of the environment (zod-validated, errors name the variable);
    // the few process-level exceptions carry a disable comment that says why
    files: ["app/**", "server/**", "middleware.ts", "instrumentation.ts", "prisma/**"],
    ignores: [
      "server/env.ts",
      "server/cli/**",
      "server/testing/**",
      "**/*.test.ts",
      "**/*.test.tsx",
    ],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "read configuration through server/env.ts (one zod schema, clear errors)",
        },
      ],
    },
  },
  ...layerRules.map(({ files, patterns }) => ({
    files,
    rules: { "no-restricted-imports": ["error", { patterns }] },
  })),
);
