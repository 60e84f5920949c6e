import type { Deps } from "@/server/deps";
import { createMerchant } from "@/server/merchants/merchants";
import { createPricingRule } from "@/server/pricing/rules";
import { signUpWithPassword } from "@/server/users/users";

// The embedded default's demo data, created through the domain functions so it is valid by
// construction. Idempotent: a second start finds the demo merchant's user and changes nothing.
// The demo admin's password is published in the README, so under NODE_ENV=production the seed
// creates no admin: the operator makes one with `npm run admin:create` (server/cli/admin-create.ts).

export const DEMO_MERCHANT_ID = "mer_demo0000000000000000";

export const DEMO_CREDENTIALS = {
  admin: { email: "admin@x402.local", password: "x402-admin-demo" },
  merchantUser: { email: "merchant@x402.local", password: "x402-merchant-demo" },
} as const;

export type SeedResult = {
  /** null in production: no admin with a published password there */
  admin: (typeof DEMO_CREDENTIALS)["admin"] | null;
  merchantUser: (typeof DEMO_CREDENTIALS)["merchantUser"];
  demoMerchantId: string;
  created: boolean;
};

export async function seedDemo(
  deps: Pick<Deps, "db" | "env">,
  opts: {
    localChain: {
      chainId: number;
      tokenAddress: string;
      /** the plain ERC-20 paid through Permit2 (server/chain/plain-token.ts): the echo rule also takes it */
      plainTokenAddress?: string;
    };
    merchantWallet: string;
  },
): Promise<SeedResult> {
  const withAdmin = deps.env.NODE_ENV !== "production";
  const admin = withAdmin ? DEMO_CREDENTIALS.admin : null;
  const existing = await deps.db.user.findUnique({
    where: { email: DEMO_CREDENTIALS.merchantUser.email },
    select: { id: true },
  });
  if (existing) {
    const adminExists =
      (await deps.db.user.count({ where: { email: DEMO_CREDENTIALS.admin.email } })) > 0;
    return {
      admin: withAdmin && adminExists ? admin : null,
      merchantUser: DEMO_CREDENTIALS.merchantUser,
      demoMerchantId: DEMO_MERCHANT_ID,
      created: false,
    };
  }

  if (admin)
    await signUpWithPassword(deps, { name: "Platform Admin", ...admin, role: "PLATFORM_ADMIN" });
  const owner = await signUpWithPassword(deps, {
    name: "Demo Merchant",
    ...DEMO_CREDENTIALS.merchantUser,
  });
  const actor = { userId: owner.id, role: "SYSTEM" };
  await createMerchant(
    { ...deps, env: { ...deps.env, ALLOW_PRIVATE_UPSTREAMS: true, AUTO_APPROVE_MERCHANTS: true } },
    {
      merchantId: DEMO_MERCHANT_ID,
      userId: owner.id,
      actor,
      input: {
        name: "Demo Signals API",
        upstreamBaseUrl: `${deps.env.APP_URL}/api/demo`,
        payoutAddress: opts.merchantWallet.toLowerCase(),
        settlementMode: "DIRECT",
      },
    },
  );
  const network = `eip155:${opts.localChain.chainId}`;
  const asset = opts.localChain.tokenAddress.toLowerCase();
  // the rules are priced on the local chain this seed runs against, whatever the env said before
  const ruleDeps = {
    db: deps.db,
    env: {
      ...deps.env,
      LOCAL_CHAIN_ID: opts.localChain.chainId,
      LOCAL_TOKEN_ADDRESS: opts.localChain.tokenAddress,
      LOCAL_PERMIT2_TOKEN_ADDRESS: opts.localChain.plainTokenAddress,
    },
  };
  await createPricingRule(ruleDeps, {
    merchantId: DEMO_MERCHANT_ID,
    actor,
    // the demo upstream answers every method on its paths: each rule prices them all (ANY), so no
    // method is served free by omission
    input: {
      pathPattern: "/api/signal/*",
      methods: ["ANY"],
      price: "0.01",
      network,
      asset,
      description: "A trading signal for one symbol",
    },
  });
  await createPricingRule(ruleDeps, {
    merchantId: DEMO_MERCHANT_ID,
    actor,
    input: {
      pathPattern: "/api/echo",
      methods: ["ANY"],
      price: "0.05",
      network,
      asset,
      description: "Echoes the request back",
      // a second way to pay: a token without EIP-3009, through Permit2 (the local payers approved it)
      ...(opts.localChain.plainTokenAddress
        ? {
            paymentOptions: [
              {
                network,
                asset: opts.localChain.plainTokenAddress.toLowerCase(),
                price: "0.05",
              },
            ],
          }
        : {}),
    },
  });
  return {
    admin,
    merchantUser: DEMO_CREDENTIALS.merchantUser,
    demoMerchantId: DEMO_MERCHANT_ID,
    created: true,
  };
}
