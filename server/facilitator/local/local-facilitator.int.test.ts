import { randomBytes } from "node:crypto";

import { createPublicClient, http, toHex, type PrivateKeyAccount, type PublicClient } from "viem";
import { describe, expect, inject, it } from "vitest";

import { accountFor } from "@/server/chain/accounts";
import { createChainClientRegistry } from "@/server/chain/clients";
import { localChainDefinition } from "@/server/chain/local-chain";
import { signTransferAuthorization, TEST_USDC_EIP712, usdcBalance } from "@/server/chain/test-usdc";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";
import { fundedAccount } from "@/server/testing/gateway-harness";

import type { PaymentPayload, PaymentRequirements } from "../types";
import { createLocalFacilitator } from "./local-facilitator";

// The official exact scheme settling through our sender: many settlements in flight at once, from
// one account or several, as the gateway's AFTER_SUCCESS and BEFORE_PROXY paths do under load.

const provided = inject("chain");
const chain = localChainDefinition(provided.chainId, provided.rpcUrl);
const publicClient = createPublicClient({
  chain,
  transport: http(provided.rpcUrl),
}) as PublicClient;
const token = provided.tokenAddress;
const payTo = accountFor("merchantWallet").address;
const requirements = {
  scheme: "exact",
  network: `eip155:${provided.chainId}`,
  asset: token,
  amount: "1000",
  payTo,
  maxTimeoutSeconds: 300,
  extra: { ...TEST_USDC_EIP712 },
} as PaymentRequirements;

async function payment(payer: PrivateKeyAccount): Promise<PaymentPayload> {
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
    { ...TEST_USDC_EIP712, chainId: provided.chainId, verifyingContract: token },
    { ...authorization, value: 1000n, validAfter: 0n, validBefore },
  );
  return {
    x402Version: 2,
    accepted: requirements,
    payload: { signature, authorization },
  } as PaymentPayload;
}

function facilitatorWith(keys: `0x${string}`[]) {
  const networks = getNetworkRegistry({
    NETWORKS_JSON: undefined,
    LOCAL_CHAIN_ID: provided.chainId,
    LOCAL_CHAIN_RPC_URL: provided.rpcUrl,
    LOCAL_TOKEN_ADDRESS: token,
  });
  return createLocalFacilitator(
    { chains: createChainClientRegistry(networks, keys), log: createLogger({ level: "silent" }) },
    { receiptPollMs: 50 },
  );
}

describe("the local facilitator settling many payments at once", () => {
  it("settles 50 concurrent payments from one account; a replayed one among them fails alone", async () => {
    const [account, payer] = await Promise.all([
      fundedAccount(publicClient, provided.rpcUrl, token, "0"),
      fundedAccount(publicClient, provided.rpcUrl, token, "100"),
    ]);
    const facilitator = facilitatorWith([account.privateKey]);
    const payments = await Promise.all(Array.from({ length: 50 }, () => payment(payer)));
    const replayed = payments[7] as PaymentPayload;
    const payerBefore = await usdcBalance(publicClient, token, payer.address);
    const start = await publicClient.getTransactionCount({ address: account.address });

    const results = await Promise.all(
      [...payments, replayed].map((p) => facilitator.settle(p, requirements)),
    );

    const succeeded = results.filter((r) => r.success);
    const failed = results.filter((r) => !r.success);
    expect(succeeded).toHaveLength(50);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.errorReason).toMatch(/^invalid_exact_evm_/);
    expect(new Set(succeeded.map((r) => r.transaction)).size).toBe(50);
    expect(succeeded.every((r) => typeof r.extra?.blockNumber === "string")).toBe(true);
    expect(await usdcBalance(publicClient, token, payer.address)).toBe(payerBefore - 50n * 1000n);
    // the replay took no nonce: exactly one transaction per payment
    expect(await publicClient.getTransactionCount({ address: account.address })).toBe(start + 50);
  });

  it("spreads settlements over several facilitator accounts and lists them all as signers", async () => {
    const accounts = await Promise.all(
      [0, 1, 2].map(() => fundedAccount(publicClient, provided.rpcUrl, token, "0")),
    );
    const payer = await fundedAccount(publicClient, provided.rpcUrl, token, "100");
    const facilitator = facilitatorWith(accounts.map((a) => a.privateKey));
    const supported = await facilitator.supported();
    const signers = Object.values(supported.signers ?? {})
      .flat()
      .map((s) => s.toLowerCase());
    for (const a of accounts) expect(signers).toContain(a.address.toLowerCase());

    const results = await Promise.all(
      Array.from({ length: 30 }, async () =>
        facilitator.settle(await payment(payer), requirements),
      ),
    );

    expect(results.every((r) => r.success)).toBe(true);
    const senders = await Promise.all(
      results.map(async (r) =>
        (
          await publicClient.getTransaction({ hash: r.transaction as `0x${string}` })
        ).from.toLowerCase(),
      ),
    );
    for (const a of accounts)
      expect(senders.filter((s) => s === a.address.toLowerCase()).length).toBeGreaterThanOrEqual(5);
  });
});
