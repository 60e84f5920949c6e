import { createWalletClient, http } from "viem";
import type { TestProject } from "vitest/node";

import { accountFor } from "@/server/chain/accounts";
import { deployTestUsdc } from "@/server/chain/test-usdc";

import { setupLocalChain } from "@/server/chain/local-chain";
import {
  prepareTestDatabases,
  teardownTestDatabases,
  type TestDbTemplate,
} from "@/server/db/testing";

import { startTestRedis } from "./redis";

export type ProvidedChain = {
  rpcUrl: string;
  chainId: number;
  tokenAddress: `0x${string}`;
  /** a second EIP-3009 token on the same chain (same contract, another address): rules with two options */
  secondTokenAddress: `0x${string}`;
};

declare module "vitest" {
  export interface ProvidedContext {
    chain: ProvidedChain;
    dbTemplate: TestDbTemplate;
    /** the run's own redis-server (server/testing/redis.ts) */
    redisUrl: string;
  }
}

// One anvil (token deployed, accounts funded; chain id 84532 so it stands in for Base Sepolia and
// x402 v1 clients, which only know network names, can pay on it) and one migrated template database for the whole
// integration run; each test file clones the template (server/testing/int.ts). One redis-server of the
// run's own for the Redis-backed tests (rate limits, cache invalidation, readiness).
export default async function setup(project: TestProject) {
  const [chain, dbTemplate, redis] = await Promise.all([
    // automine plus a block each second: under concurrent sends from one account anvil's automine
    // can leave the next nonce's transaction queued and unmined (foundry-rs/foundry#10122), which a
    // loaded CI run hit; a chain that also mines on an interval, as real chains do, releases it
    setupLocalChain({ chainId: 84532, mixedMiningBlockTime: 1 }),
    prepareTestDatabases(),
    startTestRedis(),
  ]);
  // deployed after the first, so the first keeps the deployer's nonce-0 address dev chains find it at
  const deployer = createWalletClient({
    chain: chain.chain,
    account: accountFor("deployer"),
    transport: http(chain.rpcUrl),
  });
  const secondTokenAddress = await deployTestUsdc(deployer, chain.publicClient);
  project.provide("chain", {
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    tokenAddress: chain.tokenAddress,
    secondTokenAddress,
  });
  project.provide("dbTemplate", dbTemplate);
  project.provide("redisUrl", redis.url);
  return async () => {
    await redis.stop();
    await chain.stop();
    await teardownTestDatabases(dbTemplate);
  };
}
