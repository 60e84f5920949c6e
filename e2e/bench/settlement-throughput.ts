// `npx tsx e2e/bench/settlement-throughput.ts`: the self-hosted facilitator alone (no gateway, no
// database) verifying and settling EIP-3009 payments with BENCH_CONNECTIONS (50) in flight on a
// fresh anvil, with one facilitator account and with BENCH_SETTLE_ACCOUNTS (3). Prints settlements/s,
// p50/p99 of verify+settle, failures and the on-chain check (the payee's balance grew by one price
// per success). It isolates what the settlement sender changes from the gateway's own costs.
import { randomBytes } from "node:crypto";

import { parseEther, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { accountFor } from "@/server/chain/accounts";
import { createChainClientRegistry } from "@/server/chain/clients";
import { setupLocalChain } from "@/server/chain/local-chain";
import { signTransferAuthorization, TEST_USDC_EIP712, usdcBalance } from "@/server/chain/test-usdc";
import type { PaymentPayload, PaymentRequirements } from "@/server/facilitator/types";
import { createLocalFacilitator } from "@/server/facilitator/local/local-facilitator";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";

const IN_FLIGHT = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SETTLEMENTS = Number(process.env.BENCH_SETTLEMENTS ?? 1000);
const ACCOUNTS = Number(process.env.BENCH_SETTLE_ACCOUNTS ?? 3);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  const chain = await setupLocalChain({ chainId: 84532 });
  const payer = accountFor("demoPayer");
  const payTo = accountFor("merchantWallet").address;
  const requirements = {
    scheme: "exact",
    network: `eip155:${chain.chainId}`,
    asset: chain.tokenAddress,
    amount: "1000",
    payTo,
    maxTimeoutSeconds: 300,
    extra: { ...TEST_USDC_EIP712 },
  } as PaymentRequirements;
  const networks = getNetworkRegistry({
    NETWORKS_JSON: undefined,
    LOCAL_CHAIN_ID: chain.chainId,
    LOCAL_CHAIN_RPC_URL: chain.rpcUrl,
    LOCAL_TOKEN_ADDRESS: chain.tokenAddress,
  });
  const log = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });

  const sign = async (): Promise<PaymentPayload> => {
    const validBefore = BigInt(Math.floor(Date.now() / 1000)) + 3600n;
    const authorization = {
      from: payer.address,
      to: payTo,
      value: "1000",
      validAfter: "0",
      validBefore: validBefore.toString(),
      nonce: toHex(randomBytes(32)),
    };
    const signature = await signTransferAuthorization(
      payer,
      { ...TEST_USDC_EIP712, chainId: chain.chainId, verifyingContract: chain.tokenAddress },
      { ...authorization, value: 1000n, validAfter: 0n, validBefore },
    );
    return {
      x402Version: 2,
      accepted: requirements,
      payload: { signature, authorization },
    } as PaymentPayload;
  };

  const run = async (accounts: number) => {
    const rpcCalls = new Map<string, number>();
    const keys: Hex[] = [];
    for (let i = 0; i < accounts; i++) {
      const key = generatePrivateKey();
      await chain.publicClient.request({
        method: "anvil_setBalance" as never,
        params: [privateKeyToAccount(key).address, toHex(parseEther("100"))] as never,
      });
      keys.push(key);
    }
    const facilitator = createLocalFacilitator({
      chains: createChainClientRegistry(networks, keys.length === 1 ? keys[0] : keys, {
        onRpc: (call) => rpcCalls.set(call.method, (rpcCalls.get(call.method) ?? 0) + 1),
      }),
      log,
    });
    const payments = await Promise.all(Array.from({ length: SETTLEMENTS }, sign));
    const before = await usdcBalance(chain.publicClient, chain.tokenAddress, payTo);
    const latencies: number[] = [];
    const verifyMs: number[] = [];
    const failures = new Map<string, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < payments.length; i = next++) {
          const t = performance.now();
          const payment = payments[i] as PaymentPayload;
          const verified = await facilitator.verify(payment, requirements);
          verifyMs.push(performance.now() - t);
          const settled = verified.isValid
            ? await facilitator.settle(payment, requirements)
            : { success: false, errorReason: verified.invalidReason };
          latencies.push(performance.now() - t);
          if (!settled.success)
            failures.set(
              settled.errorReason ?? "?",
              (failures.get(settled.errorReason ?? "?") ?? 0) + 1,
            );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const settledOnChain =
      Number((await usdcBalance(chain.publicClient, chain.tokenAddress, payTo)) - before) / 1000;
    latencies.sort((a, b) => a - b);
    verifyMs.sort((a, b) => a - b);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    console.log(
      `RPC calls per settlement: ${[...rpcCalls].map(([m, n]) => `${m} ${(n / SETTLEMENTS).toFixed(1)}`).join(", ")}\n` +
        `${`${accounts} account${accounts > 1 ? "s" : ""}`.padEnd(12)} ${(SETTLEMENTS / seconds).toFixed(0).padStart(6)} settlements/s   p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 99).toFixed(1).padStart(7)} ms   (verify p50 ${percentile(verifyMs, 50).toFixed(1)} ms)   failures ${failed}${failed ? ` ${JSON.stringify(Object.fromEntries(failures))}` : ""}   on chain ${settledOnChain} of ${SETTLEMENTS - failed}`,
    );
  };

  console.log(`verify + settle, ${SETTLEMENTS} payments, ${IN_FLIGHT} in flight, anvil automine`);
  await run(1);
  if (ACCOUNTS > 1) await run(ACCOUNTS);
  await chain.stop();
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 200).unref());
