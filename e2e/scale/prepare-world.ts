// Prepares the database the two-instance spec (two-instances.spec.ts) runs on: migrations applied
// as a deploy step would, an owner, two merchants and a write-scoped API key. Run with tsx (the
// spec's own process does not load the Prisma client); prints the ids as one JSON line. Values are
// sealed under the instances' ENCRYPTION_KEY, which the spec passes in the environment.
import { accountFor } from "@/server/chain/accounts";
import { createApiKey } from "@/server/api-keys/api-keys";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { createMerchant } from "@/server/merchants/merchants";
import { createPricingRule } from "@/server/pricing/rules";
import { signUpWithPassword } from "@/server/users/users";

async function main() {
  const [databaseUrl, upstreamUrl, chainId, tokenAddress] = process.argv.slice(2);
  if (!databaseUrl || !upstreamUrl || !chainId || !tokenAddress)
    throw new Error(
      "usage: prepare-world.ts <DATABASE_URL> <upstream url> <chain id> <token address>",
    );
  const config = parseDatabaseUrl(databaseUrl, ".data/scale");
  await applyMigrations(config);
  const env = parseServerEnv({
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    AUTO_APPROVE_MERCHANTS: "true",
    ALLOW_PRIVATE_UPSTREAMS: "true",
    LOCAL_CHAIN_ID: chainId,
    LOCAL_TOKEN_ADDRESS: tokenAddress,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY,
  });
  const { db, close } = createPrismaClient(config);
  try {
    const owner = await signUpWithPassword(
      { db },
      {
        name: "Scale Owner",
        email: `scale-${Date.now()}@x402.local`,
        password: "scale-password-123",
      },
    );
    const actor = { userId: owner.id, role: "OWNER" };
    const payoutAddress = accountFor("merchantWallet").address.toLowerCase();
    const price = { method: "GET", network: `eip155:${chainId}`, asset: tokenAddress } as const;

    const shop = await createMerchant(
      { db, env },
      {
        userId: owner.id,
        actor,
        input: {
          name: "Scale API",
          upstreamBaseUrl: upstreamUrl,
          payoutAddress,
          settlementMode: "DIRECT",
        },
      },
    );
    await createPricingRule(
      { db, env },
      { merchantId: shop.id, actor, input: { ...price, price: "0.01", pathPattern: "/paid/*" } },
    );
    await createPricingRule(
      { db, env },
      { merchantId: shop.id, actor, input: { ...price, price: "0.01", pathPattern: "/slow/*" } },
    );
    const changing = await createPricingRule(
      { db, env },
      {
        merchantId: shop.id,
        actor,
        input: { ...price, price: "0.01", pathPattern: "/changing/*" },
      },
    );
    const { key } = await createApiKey(
      { db },
      {
        merchantId: shop.id,
        actor,
        grantor: { kind: "role", role: "OWNER" },
        name: "scale test",
        scopes: ["write"],
      },
    );

    const limited = await createMerchant(
      { db, env },
      {
        userId: owner.id,
        actor,
        input: {
          name: "Limited API",
          upstreamBaseUrl: upstreamUrl,
          payoutAddress,
          settlementMode: "DIRECT",
        },
      },
    );
    await db.merchant.update({ where: { id: limited.id }, data: { rateLimitPerMinute: 6 } });

    process.stdout.write(
      `${JSON.stringify({ shopId: shop.id, changingRuleId: changing.id, apiKey: key, limitedId: limited.id, payoutAddress })}\n`,
    );
  } finally {
    await close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
