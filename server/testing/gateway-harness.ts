import { randomBytes } from "node:crypto";

import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  parseUnits,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { inject } from "vitest";

import { TEST_USDC_ABI } from "@/server/chain/contracts.artifact";
import { localChainDefinition } from "@/server/chain/local-chain";
import { approvePermit2, TEST_PLAIN_TOKEN_ADDRESS } from "@/server/chain/plain-token";
import { signTransferAuthorization, TEST_USDC_EIP712, usdcBalance } from "@/server/chain/test-usdc";
import type { PrismaClient } from "@/server/db";
import type { ServerEnv } from "@/server/env";
import type { Log } from "@/server/observability/logger";
import {
  handleFacilitatorSettle,
  handleFacilitatorSupported,
  handleFacilitatorVerify,
} from "@/server/facilitator/http-api";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { buildGatewayRuntime, type GatewayRuntime } from "@/server/gateway/runtime";
import { createMerchant } from "@/server/merchants/merchants";
import { serveFetchHandler } from "@/server/http/node-adapter";
import { createPricingRule } from "@/server/pricing/rules";
import type { PricingRuleInput } from "@/server/pricing/schemas";
import { signUpWithPassword } from "@/server/users/users";

import { testDeps, testEnv, uniqueEmail } from "./int";
import { startTestUpstream, type TestUpstream } from "./upstream";

// One merchant behind a real gateway runtime (real DB, real anvil, real upstream socket), with its
// own facilitator key and payers so test files can run in parallel on the shared chain.

export const GATEWAY_ORIGIN = "http://gateway.test";

export type Requirements = {
  scheme: string;
  network: string;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: { name: string; version: string };
};

export type GatewayHarness = Awaited<ReturnType<typeof createGatewayHarness>>;

export async function fundedAccount(
  publicClient: PublicClient,
  rpcUrl: string,
  token: Address,
  usdc = "100",
): Promise<PrivateKeyAccount & { privateKey: Hex }> {
  const privateKey = generatePrivateKey();
  const account = Object.assign(privateKeyToAccount(privateKey), { privateKey });
  await publicClient.request({
    method: "anvil_setBalance" as never,
    params: [account.address, toHex(parseEther("10"))] as never,
  });
  if (usdc !== "0") {
    const chain = publicClient.chain;
    const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
    const hash = await wallet.writeContract({
      address: token,
      abi: TEST_USDC_ABI,
      functionName: "mint",
      args: [account.address, parseUnits(usdc, 6)],
      chain,
      account,
    });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  return account;
}

export async function createGatewayHarness(
  db: PrismaClient,
  opts: {
    rules?: PricingRuleInput[];
    merchant?: {
      chargeOnUpstreamError?: boolean;
      upstreamTimeoutMs?: number;
      rateLimitPerMinute?: number;
      deferredSettlementOn?: boolean;
      maxUnsettledPerPayer?: string | null;
      settlementMode?: "DIRECT" | "PLATFORM";
      payoutAddress?: string;
      feeTemplateId?: string;
    };
    /** HOSTED: the merchant settles through our hosted-facilitator adapter, pointed at our own facilitator API on a real socket */
    facilitator?: "LOCAL" | "HOSTED";
    env?: Record<string, string>;
    /** where the runtime logs (tests that check what reaches log lines) */
    log?: Log;
    /** the local network also prices in the run's second test token (`secondToken`, symbol TUSD) */
    secondAsset?: boolean;
    /** the local network also prices in the plain ERC-20 paid through Permit2 (`plainToken`, TPUSD) */
    permit2Asset?: boolean;
  } = {},
) {
  const provided = inject("chain");
  const chain = localChainDefinition(provided.chainId, provided.rpcUrl);
  const publicClient = createPublicClient({
    chain,
    transport: http(provided.rpcUrl),
  }) as PublicClient;
  const token = provided.tokenAddress.toLowerCase() as Address;
  const network = `eip155:${provided.chainId}`;
  const secondToken = provided.secondTokenAddress.toLowerCase() as Address;
  // the local network as the registry builds it, plus the second token (NETWORKS_JSON replaces it whole)
  const withSecondAsset = {
    NETWORKS_JSON: JSON.stringify([
      {
        id: network,
        name: "Base Sepolia (local anvil)",
        v1Name: "base-sepolia",
        rpcUrl: provided.rpcUrl,
        testnet: true,
        assets: [
          { address: token, symbol: "USDC", decimals: 6, eip712: TEST_USDC_EIP712 },
          { address: secondToken, symbol: "TUSD", decimals: 6, eip712: TEST_USDC_EIP712 },
        ],
      },
    ]),
  };
  const facilitatorAccount = await fundedAccount(publicClient, provided.rpcUrl, token, "0");
  const merchantWallet = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address;
  const upstream: TestUpstream = await startTestUpstream();
  // the facilitator API below is served before the runtime exists; it reads the runtime when called
  const runtimeRef: { current?: GatewayRuntime } = {};
  // the facilitator API admits callers with this token; HOSTED merchants' adapter presents it
  const facilitatorApiToken = `fac_${randomBytes(24).toString("hex")}`;
  const facilitatorApi = await serveFetchHandler(async (req) => {
    const runtime = runtimeRef.current!;
    const deps = {
      ...runtime,
      env: runtime.env as ServerEnv,
      facilitator: runtime.facilitators.local,
    };
    const path = new URL(req.url).pathname;
    if (path.endsWith("/verify")) return handleFacilitatorVerify(deps, req);
    if (path.endsWith("/settle")) return handleFacilitatorSettle(deps, req);
    return handleFacilitatorSupported(deps, req);
  });

  const env = testEnv({
    APP_URL: GATEWAY_ORIGIN,
    LOCAL_CHAIN_ID: String(provided.chainId),
    LOCAL_CHAIN_RPC_URL: provided.rpcUrl,
    LOCAL_TOKEN_ADDRESS: token,
    FACILITATOR_PRIVATE_KEY: facilitatorAccount.privateKey,
    ALLOW_PRIVATE_UPSTREAMS: "true",
    AUTO_APPROVE_MERCHANTS: "true",
    HOSTED_FACILITATOR_URL: `${facilitatorApi.url}/api/facilitator`,
    HOSTED_FACILITATOR_TOKEN: facilitatorApiToken,
    FACILITATOR_API_TOKENS: facilitatorApiToken,
    ...(opts.secondAsset ? withSecondAsset : {}),
    ...(opts.permit2Asset ? { LOCAL_PERMIT2_TOKEN_ADDRESS: TEST_PLAIN_TOKEN_ADDRESS } : {}),
    ...opts.env,
  });
  const base = testDeps(db, { env, ...(opts.log ? { log: opts.log } : {}) });
  const runtime: GatewayRuntime = buildGatewayRuntime(base, {
    reconcileEveryMs: null,
    webhooksEveryMs: null,
    deferredEveryMs: null,
    batchEveryMs: null,
    settlementEveryMs: null,
    alertsEveryMs: null,
    maxBodyBytes: 1024 * 1024,
  });
  runtimeRef.current = runtime;

  const owner = await signUpWithPassword(base, {
    name: "Owner",
    email: uniqueEmail("owner"),
    password: "a long enough password",
  });
  const merchant = await createMerchant(base, {
    userId: owner.id,
    actor: { userId: owner.id, role: "OWNER" },
    input: {
      name: "Signals Inc",
      upstreamBaseUrl: upstream.url,
      payoutAddress: opts.merchant?.payoutAddress ?? merchantWallet,
      settlementMode: "DIRECT",
    },
  });
  // the payout address is sealed: createMerchant wrote it above
  const { payoutAddress: _sealedAbove, ...settings } = opts.merchant ?? {};
  // tests send many calls from one client: only the limits a test sets bind (rate-limits.int.test.ts sets its own)
  const unbound = {
    clientRateLimitPerMinute: 1_000_000,
    paidRateLimitPerMinute: 1_000_000,
    payerRateLimitPerMinute: 1_000_000,
  };
  await db.merchant.update({
    where: { id: merchant.id },
    data: { ...unbound, ...settings, facilitator: opts.facilitator ?? "LOCAL" },
  });
  const rules: PricingRuleInput[] = opts.rules ?? [
    { pathPattern: "/api/signal/*", method: "GET", price: "0.01", network, asset: token },
    { pathPattern: "/api/echo", method: "POST", price: "0.05", network, asset: token },
    { pathPattern: "/api/fail", method: "ANY", price: "0.01", network, asset: token },
    { pathPattern: "/api/slow", method: "ANY", price: "0.01", network, asset: token },
  ];
  // rules given without network or asset are priced in the local chain's test token
  for (const input of rules) {
    await createPricingRule(base, {
      merchantId: merchant.id,
      actor: { userId: owner.id, role: "OWNER" },
      input: { ...input, network: input.network || network, asset: input.asset || token },
    });
  }

  const url = (path: string) => `${GATEWAY_ORIGIN}/${merchant.id}${path}`;

  /** An in-process call through the real gateway handler (the route handler is this one line). */
  const call = (path: string, init: RequestInit = {}) =>
    handleGatewayRequest(runtime, new Request(url(path), init), { merchantId: merchant.id });

  /** Signs an EIP-3009 authorization for the requirements; `tamper` builds the flawed ones. */
  async function signPayment(
    payer: PrivateKeyAccount,
    requirements: Requirements,
    tamper: {
      to?: Address;
      value?: string;
      validAfter?: bigint;
      validBefore?: bigint;
      nonce?: Hex;
      chainId?: number;
      verifyingContract?: Address;
      signer?: PrivateKeyAccount;
      paymentIdentifier?: string;
    } = {},
    version: 1 | 2 = 2,
  ): Promise<{ header: string; nonce: Hex }> {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const authorization = {
      from: payer.address,
      to: tamper.to ?? (requirements.payTo as Address),
      value: tamper.value ?? requirements.amount,
      validAfter: (tamper.validAfter ?? now - 600n).toString(),
      validBefore: (tamper.validBefore ?? now + 300n).toString(),
      nonce: tamper.nonce ?? toHex(randomBytes(32)),
    };
    const signature = await signTransferAuthorization(
      tamper.signer ?? payer,
      {
        name: requirements.extra.name,
        version: requirements.extra.version,
        chainId: tamper.chainId ?? provided.chainId,
        verifyingContract: tamper.verifyingContract ?? (requirements.asset as Address),
      },
      {
        ...authorization,
        value: BigInt(authorization.value),
        validAfter: BigInt(authorization.validAfter),
        validBefore: BigInt(authorization.validBefore),
      },
    );
    const payload =
      version === 2
        ? {
            x402Version: 2,
            accepted: requirements,
            payload: { signature, authorization },
            ...(tamper.paymentIdentifier
              ? {
                  extensions: {
                    "payment-identifier": {
                      info: { required: false, id: tamper.paymentIdentifier },
                    },
                  },
                }
              : {}),
          }
        : {
            x402Version: 1,
            scheme: "exact",
            network: "base-sepolia",
            payload: { signature, authorization },
          };
    return {
      header: Buffer.from(JSON.stringify(payload)).toString("base64"),
      nonce: authorization.nonce,
    };
  }

  /** The v2 requirements from an unpaid call's PAYMENT-REQUIRED header. */
  async function requirementsFor(path: string, init: RequestInit = {}): Promise<Requirements> {
    const res = await call(path, init);
    const header = res.headers.get("payment-required");
    if (res.status !== 402 || !header)
      throw new Error(`expected a 402 with PAYMENT-REQUIRED for ${path}, got ${res.status}`);
    await res.body?.cancel();
    return (
      JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { accepts: Requirements[] }
    ).accepts[0] as Requirements;
  }

  /** Every `accepts` entry of an unpaid call's PAYMENT-REQUIRED header, in order. */
  async function offersFor(path: string, init: RequestInit = {}): Promise<Requirements[]> {
    const res = await call(path, init);
    const header = res.headers.get("payment-required");
    if (res.status !== 402 || !header)
      throw new Error(`expected a 402 with PAYMENT-REQUIRED for ${path}, got ${res.status}`);
    await res.body?.cancel();
    return (
      JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { accepts: Requirements[] }
    ).accepts;
  }

  return {
    runtime,
    /** the app's deps for this harness (its env), with its chain clients */
    deps: { ...base, chains: runtime.chains },
    facilitatorApiUrl: `${facilitatorApi.url}/api/facilitator`,
    /** a bearer token the facilitator API admits */
    facilitatorApiToken,
    db,
    merchant,
    merchantWallet,
    upstream,
    publicClient,
    rpcUrl: provided.rpcUrl,
    chainId: provided.chainId,
    network,
    token,
    secondToken,
    /** the plain ERC-20 (no EIP-3009) paid through Permit2, when `permit2Asset` */
    plainToken: TEST_PLAIN_TOKEN_ADDRESS.toLowerCase() as Address,
    /** the payer's one-time Permit2 approval for a token (its own transaction) */
    async approvePermit2(of: Address, payer: PrivateKeyAccount) {
      const wallet = createWalletClient({
        account: payer,
        chain,
        transport: http(provided.rpcUrl),
      });
      await approvePermit2(wallet, publicClient, of, payer);
    },
    url,
    call,
    signPayment,
    requirementsFor,
    offersFor,
    newPayer: (usdc = "100") => fundedAccount(publicClient, provided.rpcUrl, token, usdc),
    balanceOf: (owner: Address, of: Address = token) => usdcBalance(publicClient, of, owner),
    /** mints `amount` of a test token to `to` (the tokens' mint is open; the payer pays its own gas) */
    async mint(of: Address, to: PrivateKeyAccount, amount: string) {
      const wallet = createWalletClient({ account: to, chain, transport: http(provided.rpcUrl) });
      const hash = await wallet.writeContract({
        address: of,
        abi: TEST_USDC_ABI,
        functionName: "mint",
        args: [to.address, parseUnits(amount, 6)],
        chain,
        account: to,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    },
    async close() {
      await runtime.close();
      await upstream.close();
      await facilitatorApi.close();
    },
  };
}
