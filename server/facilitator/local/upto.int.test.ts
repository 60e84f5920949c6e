import { x402Client } from "@x402/core/client";
import type { PaymentRequired } from "@x402/core/types";
import { createPermit2ApprovalTx, toClientEvmSigner } from "@x402/evm";
import { UptoEvmScheme } from "@x402/evm/upto/client";
import {
  createPublicClient,
  createWalletClient,
  http,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, inject, it } from "vitest";

import { createChainClientRegistry } from "@/server/chain/clients";
import { localChainDefinition } from "@/server/chain/local-chain";
import { TEST_USDC_EIP712, usdcBalance } from "@/server/chain/test-usdc";
import { getNetworkRegistry } from "@/server/networks/config";
import { createLogger } from "@/server/observability/logger";
import { readAuthorizationOnChain } from "@/server/payments/chain-state";
import { uptoAuthorizationFacts, type UptoPayload } from "@/server/x402/upto";
import { fundedAccount } from "@/server/testing/gateway-harness";

import type { PaymentPayload, PaymentRequirements } from "../types";
import { createLocalFacilitator } from "./local-facilitator";

// The official `upto` scheme (Permit2 + the x402 upto proxy that setupLocalChain installs) through
// our local facilitator: the payer authorizes a ceiling, the facilitator settles what was used.

const provided = inject("chain");
const chain = localChainDefinition(provided.chainId, provided.rpcUrl);
const publicClient = createPublicClient({
  chain,
  transport: http(provided.rpcUrl),
}) as PublicClient;
const token = provided.tokenAddress;
const network = `eip155:${provided.chainId}`;

function registry(keys: `0x${string}`[]) {
  return createChainClientRegistry(
    getNetworkRegistry({
      NETWORKS_JSON: undefined,
      LOCAL_CHAIN_ID: provided.chainId,
      LOCAL_CHAIN_RPC_URL: provided.rpcUrl,
      LOCAL_TOKEN_ADDRESS: token,
    }),
    keys,
  );
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

async function approvingPayer(): Promise<PrivateKeyAccount> {
  const payer = await fundedAccount(publicClient, provided.rpcUrl, token, "10");
  const wallet = createWalletClient({ account: payer, chain, transport: http(provided.rpcUrl) });
  const hash = await wallet.sendTransaction(createPermit2ApprovalTx(token));
  await publicClient.waitForTransactionReceipt({ hash });
  return payer;
}

async function uptoPayment(
  facilitator: ReturnType<typeof facilitatorWith>,
  payer: PrivateKeyAccount,
  ceiling: string,
) {
  const payTo = privateKeyToAccount(generatePrivateKey()).address;
  const kind = (await facilitator.supported()).kinds.find(
    (k) => k.scheme === "upto" && k.network === network,
  );
  const requirements = {
    scheme: "upto",
    network,
    asset: token,
    amount: ceiling,
    payTo,
    maxTimeoutSeconds: 300,
    extra: { ...TEST_USDC_EIP712, assetTransferMethod: "permit2", ...kind?.extra },
  } as PaymentRequirements;
  const client = new x402Client().register(
    "eip155:*",
    new UptoEvmScheme(toClientEvmSigner(payer, publicClient)),
  );
  client.setSpendControls?.({ allowedAssets: [{ network, asset: token }] } as never);
  const required = {
    x402Version: 2,
    resource: { url: "http://test/metered" },
    accepts: [requirements],
  } as PaymentRequired;
  const payload = (await client.createPaymentPayload(required)) as PaymentPayload;
  return { payTo, requirements, payload };
}

describe("the local facilitator settling the official upto scheme", () => {
  it("verifies the ceiling and settles only the metered amount on chain; the same permit is refused again", async () => {
    const [account, payer] = await Promise.all([
      fundedAccount(publicClient, provided.rpcUrl, token, "0"),
      approvingPayer(),
    ]);
    const facilitator = facilitatorWith([account.privateKey]);
    const { payTo, requirements, payload } = await uptoPayment(facilitator, payer, "5000");
    expect(
      (payload.payload as { permit2Authorization: { permitted: { amount: string } } })
        .permit2Authorization.permitted.amount,
    ).toBe("5000");

    const verified = await facilitator.verify(payload, requirements);
    expect(verified).toMatchObject({ isValid: true });
    const payerBefore = await usdcBalance(publicClient, token, payer.address);

    const settled = await facilitator.settle(payload, { ...requirements, amount: "1234" });
    expect(settled).toMatchObject({ success: true, amount: "1234" });
    expect(settled.extra?.blockNumber).toBeDefined();
    expect(await usdcBalance(publicClient, token, payTo)).toBe(1234n);
    expect(payerBefore - (await usdcBalance(publicClient, token, payer.address))).toBe(1234n);

    const again = await facilitator.settle(payload, { ...requirements, amount: "1" });
    expect(again.success).toBe(false);
    expect(await usdcBalance(publicClient, token, payTo)).toBe(1234n);
  });

  it("refuses to settle more than the ceiling, settles zero without a transaction, and routes to the witness's account among several", async () => {
    const [a, b, payer] = await Promise.all([
      fundedAccount(publicClient, provided.rpcUrl, token, "0"),
      fundedAccount(publicClient, provided.rpcUrl, token, "0"),
      approvingPayer(),
    ]);
    const facilitator = facilitatorWith([a.privateKey, b.privateKey]);
    const over = await uptoPayment(facilitator, payer, "500");
    const refused = await facilitator.settle(over.payload, { ...over.requirements, amount: "501" });
    expect(refused.success).toBe(false);
    expect(await usdcBalance(publicClient, token, over.payTo)).toBe(0n);

    const zero = await facilitator.settle(over.payload, { ...over.requirements, amount: "0" });
    expect(zero).toMatchObject({ success: true, transaction: "", amount: "0" });

    const paid = await Promise.all(
      Array.from({ length: 6 }, () => uptoPayment(facilitator, payer, "300")),
    );
    const results = await Promise.all(
      paid.map((p) => facilitator.settle(p.payload, { ...p.requirements, amount: "300" })),
    );
    expect(results.map((r) => r.success)).toEqual(paid.map(() => true));
    for (const p of paid) expect(await usdcBalance(publicClient, token, p.payTo)).toBe(300n);
  });

  it("tells the reconciler whether a metered payment's Permit2 nonce was spent, and by which transaction", async () => {
    const [account, payer] = await Promise.all([
      fundedAccount(publicClient, provided.rpcUrl, token, "0"),
      approvingPayer(),
    ]);
    const facilitator = facilitatorWith([account.privateKey]);
    const [settledOne, unusedOne] = await Promise.all([
      uptoPayment(facilitator, payer, "900"),
      uptoPayment(facilitator, payer, "900"),
    ]);
    const settled = await facilitator.settle(settledOne.payload, {
      ...settledOne.requirements,
      amount: "321",
    });
    expect(settled.success).toBe(true);
    const onChain = (p: typeof settledOne, amountAtomic: bigint) =>
      readAuthorizationOnChain(registry([account.privateKey]), {
        network,
        asset: token,
        payer: payer.address.toLowerCase(),
        payTo: p.payTo.toLowerCase(),
        authorizationNonce: uptoAuthorizationFacts(p.payload.payload as UptoPayload).authorization
          .nonce,
        amountAtomic,
        scheme: "upto",
      });

    expect(await onChain(settledOne, 321n)).toMatchObject({
      kind: "settled",
      txHash: settled.transaction,
    });
    expect(await onChain(unusedOne, 900n)).toEqual({ kind: "unused" });
  });
});
