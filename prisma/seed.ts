import "dotenv/config";

import { accountFor } from "@/server/chain/accounts";
import { predictedTokenAddress } from "@/server/chain/test-usdc";
import { runCommand } from "@/server/cli/run-command";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { seedDemo } from "@/server/demo/seed";
import { getEnv } from "@/server/env";

// `npm run db:seed`: the demo admin, merchant and pricing rules (idempotent). `npm run dev` runs the
// same seed itself; this command is for a database migrated by hand. The demo rules are priced in
// the local chain's test USDC: LOCAL_TOKEN_ADDRESS, or where a fresh anvil deploys it.

async function main(): Promise<number> {
  const env = getEnv();
  const { db, close } = createPrismaClient(parseDatabaseUrl(env.DATABASE_URL, env.DATA_DIR));
  try {
    const result = await seedDemo(
      { db, env },
      {
        localChain: {
          chainId: env.LOCAL_CHAIN_ID,
          tokenAddress:
            env.LOCAL_TOKEN_ADDRESS ?? predictedTokenAddress(accountFor("deployer").address),
          plainTokenAddress: env.LOCAL_PERMIT2_TOKEN_ADDRESS,
        },
        merchantWallet: accountFor("merchantWallet").address,
      },
    );
    console.log(
      result.created ? "seeded the demo data" : "demo data already present: nothing changed",
    );
    console.log(
      result.admin
        ? `  admin    ${result.admin.email} / ${result.admin.password}`
        : "  admin    none in production: npm run admin:create -- --email <email>",
    );
    console.log(`  merchant ${result.merchantUser.email} / ${result.merchantUser.password}`);
    console.log(`  demo     ${env.GATEWAY_URL}/${result.demoMerchantId}/api/signal/btc`);
    return 0;
  } finally {
    await close();
  }
}

runCommand(main);
