// Playwright's web server: a fresh world per run — anvil with the test token, a new embedded
// database migrated and seeded through the real runner and seed — then the production build.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { accountFor } from "@/server/chain/accounts";
import { setupLocalChain } from "@/server/chain/local-chain";
import { createPrismaClient } from "@/server/db/client";
import { assertDataDirNotLocked } from "@/server/db/data-dir-lock";
import { parseDatabaseUrl } from "@/server/db/config";
import { applyMigrations } from "@/server/db/schema-engine";
import { bootstrapPlatformAdmin } from "@/server/admin/platform-admins";
import { DEMO_CREDENTIALS, seedDemo } from "@/server/demo/seed";
import { parseServerEnv } from "@/server/env";
import { startTestRedis } from "@/server/testing/redis";

import { E2E_BASE_URL, E2E_PORT, E2E_STATE_FILE, type E2EState } from "./fixtures/env";

const E2E_FACILITATOR_API_TOKEN = "e2e-only-facilitator-api-token-0123456789";

async function main() {
  const dataDir = path.resolve(".data/e2e");
  // a server of an earlier run still running on this world keeps it: refuse rather than wipe it under that server
  assertDataDirNotLocked(path.join(dataDir, "pglite"));
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const [chain, redis] = await Promise.all([setupLocalChain(), startTestRedis()]);
  const databaseUrl = `pglite:${path.join(dataDir, "pglite")}`;
  const dbConfig = parseDatabaseUrl(databaseUrl, dataDir);
  await applyMigrations(dbConfig);

  const envVars: Record<string, string> = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    ALLOW_EMBEDDED_DATABASE: "true",
    APP_URL: E2E_BASE_URL,
    AUTH_SECRET: "e2e-only-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "ZTJlLW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=",
    LOCAL_CHAIN_ID: String(chain.chainId),
    LOCAL_CHAIN_RPC_URL: chain.rpcUrl,
    LOCAL_TOKEN_ADDRESS: chain.tokenAddress,
    LOCAL_PERMIT2_TOKEN_ADDRESS: chain.plainTokenAddress,
    FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey,
    PLATFORM_PAYOUT_ADDRESS: accountFor("treasury").address,
    TREASURY_PRIVATE_KEY: accountFor("treasury").privateKey,
    ALLOW_PRIVATE_UPSTREAMS: "true",
    AUTO_APPROVE_MERCHANTS: "true",
    LOG_LEVEL: "warn",
    // every test signs in from 127.0.0.1: the per-IP budget is for real networks, not this suite
    SIGN_IN_MAX_PER_IP: "100000",
    // off by default in production: the suite checks it with a token, and that it refuses callers without one
    FACILITATOR_API_ENABLED: "true",
    FACILITATOR_API_TOKENS: E2E_FACILITATOR_API_TOKEN,
    SIGN_UP_MAX_PER_IP: "100000",
  };
  const env = parseServerEnv(envVars);
  const { db, close } = createPrismaClient(dbConfig);
  const seeded = await seedDemo(
    { db, env },
    {
      localChain: {
        chainId: chain.chainId,
        tokenAddress: chain.tokenAddress,
        plainTokenAddress: chain.plainTokenAddress,
      },
      merchantWallet: accountFor("merchantWallet").address,
    },
  );
  // the seed makes no admin under NODE_ENV=production: the suite's admin comes the way an operator's does
  const admin = DEMO_CREDENTIALS.admin;
  await bootstrapPlatformAdmin(
    { db },
    {
      actor: { role: "SYSTEM", requestId: "e2e:serve" },
      input: { ...admin, name: "Platform Admin" },
    },
  );
  await close();

  const state: E2EState = {
    baseUrl: E2E_BASE_URL,
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    tokenAddress: chain.tokenAddress,
    demoMerchantId: seeded.demoMerchantId,
    redisUrl: redis.url,
    admin,
    merchantUser: seeded.merchantUser,
    facilitatorApiToken: E2E_FACILITATOR_API_TOKEN,
  };
  mkdirSync(path.dirname(E2E_STATE_FILE), { recursive: true });
  writeFileSync(E2E_STATE_FILE, JSON.stringify(state, null, 2));

  // the self-hosted server (gateway fast path + Next.js), as `npm start` runs it
  const next = spawn(
    process.execPath,
    ["--import", "tsx", "server/cli/start.ts", "-p", String(E2E_PORT), "-H", "127.0.0.1"],
    {
      stdio: "inherit",
      env: { ...process.env, ...envVars },
    },
  );
  const stop = () => next.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  next.on("exit", async (code) => {
    await Promise.all([chain.stop(), redis.stop()]);
    process.exit(code ?? 0);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
