// `npm run dev`: the whole product on a fresh clone, nothing to install — a local anvil chain with
// the EIP-3009 test token (state kept under .data/), the embedded PGlite database migrated and
// seeded, then `next dev`. With DATABASE_URL set, the same steps run against PostgreSQL.
import "dotenv/config";

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { accountFor } from "@/server/chain/accounts";
import { portFrom } from "@/server/cli/args";
import { setupLocalChain, type LocalChain } from "@/server/chain/local-chain";
import { closeFileBackedPglites } from "@/server/db/adapter";
import { parseDatabaseUrl } from "@/server/db/config";
import { createPrismaClient } from "@/server/db/client";
import { applyMigrations } from "@/server/db/schema-engine";
import { seedDemo } from "@/server/demo/seed";
import { sealLegacyValues } from "@/server/keys/reseal";
import { prismaSql } from "@/server/keys/sql";
import { getEnv } from "@/server/env";

const args = process.argv.slice(2);
const production = args.includes("--prod");
const port = portFrom(args, process.env.PORT);

// Ctrl-C / SIGTERM: while setting up, close the database (it is open for migrations and the seed)
// and stop the chain; once the server runs, pass the signal on and exit when the server has closed
// its database (a terminal's Ctrl-C reaches the server too: it shuts down once).
let chain: LocalChain | undefined;
let server: ChildProcess | undefined;
let stopping = false;

function stop(signal: NodeJS.Signals) {
  if (server) {
    server.kill("SIGTERM");
    return;
  }
  if (stopping) process.exit(1);
  stopping = true;
  void Promise.allSettled([closeFileBackedPglites(), chain?.stop()]).finally(() =>
    process.exit(signal === "SIGINT" ? 130 : 143),
  );
}

async function main() {
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const env = getEnv();
  const appUrl =
    env.APP_URL === "http://localhost:3000" && port !== 3000
      ? `http://localhost:${port}`
      : env.APP_URL;
  // GATEWAY_URL defaults to APP_URL: follow the port change unless it was set on its own
  const gatewayUrl = env.GATEWAY_URL === env.APP_URL ? appUrl : env.GATEWAY_URL;
  mkdirSync(env.DATA_DIR, { recursive: true });

  // the database first: a second `npm run dev` on this directory stops here, naming the first one,
  // before it touches the first one's chain
  const dbConfig = parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR);
  const applied = await applyMigrations(dbConfig);
  if (applied.length > 0) console.log(`applied migrations: ${applied.join(", ")}`);
  chain = await setupLocalChain({
    port: Number(process.env.ANVIL_PORT ?? 8545),
    chainId: env.LOCAL_CHAIN_ID,
    statePath: path.join(env.DATA_DIR, "anvil-state.json"),
  });

  if (stopping) return;
  const { db, close } = createPrismaClient(dbConfig);
  // a database from before secrets at rest keeps some values in clear until they are sealed (as db:migrate does)
  await sealLegacyValues({ sql: prismaSql(db), env });
  const seeded = await seedDemo(
    { db, env: { ...env, APP_URL: appUrl } },
    {
      localChain: {
        chainId: chain.chainId,
        tokenAddress: chain.tokenAddress,
        plainTokenAddress: chain.plainTokenAddress,
      },
      merchantWallet: accountFor("merchantWallet").address,
    },
  );
  // PGlite files open in one process at a time: release them (and the directory's lock) before the
  // server opens the database
  await close();
  if (stopping) return;

  const childEnv = {
    ...process.env,
    APP_URL: appUrl,
    LOCAL_CHAIN_ID: String(chain.chainId),
    LOCAL_CHAIN_RPC_URL: chain.rpcUrl,
    LOCAL_TOKEN_ADDRESS: chain.tokenAddress,
    LOCAL_PERMIT2_TOKEN_ADDRESS: chain.plainTokenAddress,
    FACILITATOR_PRIVATE_KEY: env.FACILITATOR_PRIVATE_KEY ?? accountFor("facilitator").privateKey,
    PLATFORM_PAYOUT_ADDRESS: env.PLATFORM_PAYOUT_ADDRESS ?? accountFor("treasury").address,
    TREASURY_PRIVATE_KEY: env.TREASURY_PRIVATE_KEY ?? accountFor("treasury").privateKey,
    ...(production ? { ALLOW_EMBEDDED_DATABASE: "true" } : {}),
  };
  console.log(
    [
      "",
      `  x402 Gateway  →  ${appUrl}`,
      `  local chain   →  ${chain.rpcUrl} (chain id ${chain.chainId}), test USDC ${chain.tokenAddress}`,
      `  database      →  ${dbConfig.kind === "pglite" ? `embedded PGlite (${dbConfig.dataDir ?? "memory"})` : "PostgreSQL"}`,
      `  demo endpoint →  ${gatewayUrl}/${seeded.demoMerchantId}/api/signal/btc  (0.01 USDC)`,
      `  sign in       →  admin ${seeded.admin ? `${seeded.admin.email} / ${seeded.admin.password}` : "none in production (npm run admin:create)"}`,
      `                   merchant ${seeded.merchantUser.email} / ${seeded.merchantUser.password}`,
      "",
    ].join("\n"),
  );

  const started = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "server/cli/start.ts",
      ...(production ? [] : ["--dev"]),
      "-p",
      String(port),
    ],
    { stdio: "inherit", env: childEnv },
  );
  server = started;
  const localChain = chain;
  started.on("exit", async (code, signal) => {
    await localChain.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch(async (err: unknown) => {
  if (stopping) return; // a signal closed the database under the setup: stop() exits
  console.error(err instanceof Error ? err.message : err);
  await Promise.allSettled([closeFileBackedPglites(), chain?.stop()]);
  process.exit(1);
});
