// `npm run bench:batch` (and the last part of `npm run bench`): the batch-settlement scheme through
// the real gateway handler, in process, on a fresh anvil and embedded database. BENCH_BATCH_PAYERS
// (default 20) buyers, each with the official @x402/fetch client and batch-settlement client part,
// pay BENCH_BATCH_CALLS (default 1000) calls between them, one after another per buyer and all
// buyers at once; then the batch job claims and settles every accrued call. Prints paid calls per
// second and on-chain transactions per 1,000 paid calls (counted from the settlement accounts'
// nonces: the deposits, the claims and the settles), and checks on chain that the merchant was paid
// exactly one price per call (test-results/bench-batch.json).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { x402Client } from "@x402/core/client";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { createWalletClient, http, parseEther, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { accountFor } from "@/server/chain/accounts";
import { setupLocalChain } from "@/server/chain/local-chain";
import { mintTestUsdc, usdcBalance } from "@/server/chain/test-usdc";
import { createPrismaClient } from "@/server/db/client";
import { parseDatabaseUrl } from "@/server/db/config";
import { applyMigrations } from "@/server/db/schema-engine";
import { parseServerEnv } from "@/server/env";
import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { buildGatewayRuntime } from "@/server/gateway/runtime";
import { createMerchant } from "@/server/merchants/merchants";
import { createLogger } from "@/server/observability/logger";
import { settleBatches } from "@/server/payments/batch-settlement";
import { createPricingRule } from "@/server/pricing/rules";
import { signUpWithPassword } from "@/server/users/users";

import { children, startChild } from "./bench-kit";

const PAYERS = Number(process.env.BENCH_BATCH_PAYERS ?? 20);
const CALLS = Number(process.env.BENCH_BATCH_CALLS ?? 1000);
const PRICE_ATOMIC = 1_000n; // 0.001 test USDC

async function settlementTxCount(client: PublicClient, addresses: `0x${string}`[]) {
  let sum = 0;
  for (const address of addresses) sum += await client.getTransactionCount({ address });
  return sum;
}

/** Runs the batch-settlement measurement; returns what it printed. */
export async function benchBatchSettlement() {
  const chain = await setupLocalChain({ chainId: 84532 });
  const upstream = await startChild(["e2e/bench/upstream-process.ts"]);
  const dataDir = path.resolve(".data/bench-batch");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const dbConfig = parseDatabaseUrl(`pglite:${path.join(dataDir, "pglite")}`, dataDir);
  await applyMigrations(dbConfig);
  const env = parseServerEnv({
    NODE_ENV: "production",
    DATABASE_URL: `pglite:${path.join(dataDir, "pglite")}`,
    DATA_DIR: dataDir,
    ALLOW_EMBEDDED_DATABASE: "true",
    APP_URL: "http://127.0.0.1:1",
    AUTH_SECRET: "bench-only-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "YmVuY2gtb25seS1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
    LOCAL_CHAIN_ID: String(chain.chainId),
    LOCAL_CHAIN_RPC_URL: chain.rpcUrl,
    LOCAL_TOKEN_ADDRESS: chain.tokenAddress,
    FACILITATOR_PRIVATE_KEY: accountFor("facilitator").privateKey,
    ALLOW_PRIVATE_UPSTREAMS: "true",
    AUTO_APPROVE_MERCHANTS: "true",
    LOG_LEVEL: "silent",
    BACKGROUND_JOBS: "off",
  });
  const { db, close } = createPrismaClient(dbConfig);
  const log = createLogger({ level: "silent" });
  const owner = await signUpWithPassword(
    { db },
    { name: "Bench", email: "bench@x402.local", password: "bench-password-123" },
  );
  const actor = { userId: owner.id, role: "OWNER" };
  const payTo = accountFor("merchantWallet").address.toLowerCase() as `0x${string}`;
  const merchant = await createMerchant(
    { db, env },
    {
      userId: owner.id,
      actor,
      input: {
        name: "Bench API",
        upstreamBaseUrl: `http://127.0.0.1:${upstream.port}`,
        payoutAddress: payTo,
        settlementMode: "DIRECT",
      },
    },
  );
  await db.merchant.update({
    where: { id: merchant.id },
    data: {
      rateLimitPerMinute: 100_000_000,
      clientRateLimitPerMinute: 100_000_000,
      paidRateLimitPerMinute: 100_000_000,
      payerRateLimitPerMinute: 100_000_000,
    },
  });
  await createPricingRule(
    { db, env },
    {
      merchantId: merchant.id,
      actor,
      input: {
        method: "GET",
        price: "0.001",
        network: `eip155:${chain.chainId}`,
        asset: chain.tokenAddress,
        pathPattern: "/batch/*",
        settlementPolicy: "BATCH",
      },
    },
  );
  const runtime = buildGatewayRuntime(
    { db, env, log, now: () => new Date() },
    {
      reconcileEveryMs: null,
      webhooksEveryMs: null,
      deferredEveryMs: null,
      batchEveryMs: null,
      settlementEveryMs: null,
      alertsEveryMs: null,
      idempotencyPurgeEveryMs: null,
      backgroundJobs: "off",
    },
  );
  const network = `eip155:${chain.chainId}` as const;
  const facilitators = (runtime.chains.forNetwork(network)?.facilitatorAccounts ?? []).map(
    (a) => a.address,
  );
  const deployer = createWalletClient({
    chain: chain.chain,
    account: accountFor("deployer"),
    transport: http(chain.rpcUrl),
  });
  // buyers with test USDC and gas
  const payers = [];
  for (let i = 0; i < PAYERS; i++) {
    const payer = privateKeyToAccount(generatePrivateKey());
    await mintTestUsdc(deployer, chain.publicClient, chain.tokenAddress, payer.address, "100");
    await chain.publicClient.request({
      method: "anvil_setBalance" as never,
      params: [payer.address, `0x${parseEther("1").toString(16)}`] as never,
    });
    payers.push(payer);
  }
  const viaGateway: typeof fetch = (input, init) =>
    handleGatewayRequest(runtime, new Request(input, init), { merchantId: merchant.id });
  const txsBefore = await settlementTxCount(chain.publicClient, facilitators);
  const paidBefore = await usdcBalance(chain.publicClient, chain.tokenAddress, payTo);

  const perPayer = Math.ceil(CALLS / PAYERS);
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    payers.map(async (payer, p) => {
      const client = new x402Client().register(
        network,
        new BatchSettlementEvmScheme(toClientEvmSigner(payer, chain.publicClient)),
      );
      client.setSpendControls({
        allowedAssets: [{ network, asset: chain.tokenAddress, maxAmountPerPayment: "1000000" }],
      });
      const pay = wrapFetchWithPayment(viaGateway, client);
      for (let i = 0; i < perPayer && p * perPayer + i < CALLS; i++) {
        const res = await pay(`${env.GATEWAY_URL}/${merchant.id}/batch/${i}`);
        if (res.status !== 200) failures++;
        await res.arrayBuffer();
      }
    }),
  );
  const servedSeconds = (performance.now() - started) / 1000;
  const paidCalls = CALLS - failures;
  const txsServing = (await settlementTxCount(chain.publicClient, facilitators)) - txsBefore;
  const settledStarted = performance.now();
  const report = await settleBatches(
    {
      db,
      env,
      chains: runtime.chains,
      facilitators: runtime.facilitators,
      log,
      now: () => new Date(),
    },
    { force: true },
  );
  const settleSeconds = (performance.now() - settledStarted) / 1000;
  const txsTotal = (await settlementTxCount(chain.publicClient, facilitators)) - txsBefore;
  const paid = (await usdcBalance(chain.publicClient, chain.tokenAddress, payTo)) - paidBefore;

  const result = {
    at: new Date().toISOString(),
    payers: PAYERS,
    calls: CALLS,
    failures,
    paidCallsPerSecond: Math.round(paidCalls / servedSeconds),
    onChainTxWhileServing: txsServing,
    onChainTxTotal: txsTotal,
    onChainTxPer1000PaidCalls: Number(((txsTotal / paidCalls) * 1000).toFixed(1)),
    batchJobSeconds: Number(settleSeconds.toFixed(2)),
    settledCalls: report.settledCalls,
    claimTransactions: report.claimTransactions,
    settleTransactions: report.settleTransactions,
    merchantPaidAtomic: paid.toString(),
    merchantPaidExactlyOncePerCall: paid === BigInt(paidCalls) * PRICE_ATOMIC,
  };
  console.log(
    `\n(batch) batch-settlement: ${PAYERS} buyers, ${CALLS} paid calls through the gateway`,
  );
  console.log(
    `  ${result.paidCallsPerSecond} paid calls/s, ${result.onChainTxPer1000PaidCalls} on-chain transactions per 1,000 paid calls ` +
      `(${txsServing} deposits while serving + ${report.claimTransactions} claim + ${report.settleTransactions} settle), ` +
      `${failures} failed; merchant paid exactly once per call: ${result.merchantPaidExactlyOncePerCall}`,
  );
  mkdirSync("test-results", { recursive: true });
  writeFileSync("test-results/bench-batch.json", JSON.stringify(result, null, 2));
  await runtime.close();
  await close();
  for (const child of children) child.kill();
  await chain.stop();
  return result;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve("e2e/bench/batch-settlement.ts")
)
  benchBatchSettlement().then(
    (r) => process.exit(r.failures === 0 && r.merchantPaidExactlyOncePerCall ? 0 : 1),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
