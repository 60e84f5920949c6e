import { x402Facilitator } from "@x402/core/facilitator";
import type { Network } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/facilitator";
import { toFacilitatorEvmSigner, type FacilitatorEvmSigner } from "@x402/evm";
import type { Hash } from "viem";

import type { ChainClientRegistry, ChainClients } from "@/server/chain/clients";
import { redactChainText } from "@/server/observability/redact";
import type { Log } from "@/server/observability/logger";

import { describeSendError, withNonceRetry } from "@/server/chain/nonce-retry";

import { checkTransferReceipt } from "../receipt";
import { FACILITATOR_UNAVAILABLE, type Facilitator, type PaymentPayload, type PaymentRequirements, type SettleResponse, type SupportedResponse, type VerifyResponse } from "../types";

// The self-hosted facilitator: the official x402 facilitator core with the exact EVM scheme (v2
// and v1) doing the EIP-3009 checks, on viem clients from our network configuration (the key's
// nonces come from viem's nonce manager, see server/chain/clients.ts). What we add: a receipt check that the
// Transfer log paid payTo at least the amount, reporting the block number in `extra` for the ledger.

type Receipt = Awaited<ReturnType<ChainClients["publicClient"]["waitForTransactionReceipt"]>>;

function evmSignerFor(clients: ChainClients, receiptTimeoutMs: number, receipts: Map<string, Receipt>, log: Log): FacilitatorEvmSigner {
  const wallet = clients.wallet;
  if (!wallet) throw new Error("evmSignerFor needs a wallet");
  const { publicClient } = clients;
  const onRetry = (err: unknown, attempt: number) => log.warn({ attempt, error: describeSendError(err) }, "settlement transaction's nonce was taken (another instance sent from the same key); sending again");
  return toFacilitatorEvmSigner(
    {
      address: wallet.account.address,
      readContract: (args) => publicClient.readContract(args as Parameters<typeof publicClient.readContract>[0]),
      verifyTypedData: (args) => publicClient.verifyTypedData(args as Parameters<typeof publicClient.verifyTypedData>[0]),
      // other instances send from the same key: a nonce one of them just used is sent again (nonce-retry.ts)
      writeContract: (args) => withNonceRetry(() => wallet.client.writeContract({ ...(args as Parameters<typeof wallet.client.writeContract>[0]), account: wallet.account, chain: clients.chain }), { onRetry }),
      sendTransaction: (args) => withNonceRetry(() => wallet.client.sendTransaction({ ...args, account: wallet.account, chain: clients.chain }), { onRetry }),
      waitForTransactionReceipt: async (args) => {
        const receipt = await publicClient.waitForTransactionReceipt({ hash: args.hash, timeout: args.timeout ?? receiptTimeoutMs });
        // kept briefly so the receipt check after settle needs no second round trip
        receipts.set(args.hash.toLowerCase(), receipt);
        if (receipts.size > 1024) receipts.delete(receipts.keys().next().value as string);
        return receipt;
      },
      getCode: (args) => publicClient.getCode(args),
    },
    { confirmationTimeoutMs: receiptTimeoutMs },
  );
}

export function createLocalFacilitator(deps: { chains: ChainClientRegistry; log: Log }, opts: { receiptTimeoutMs?: number } = {}): Facilitator {
  const core = new x402Facilitator();
  const receiptTimeoutMs = opts.receiptTimeoutMs ?? 60_000;
  const receipts = new Map<string, Receipt>();
  for (const clients of deps.chains.all()) {
    if (!clients.wallet) continue;
    const signer = evmSignerFor(clients, receiptTimeoutMs, receipts, deps.log);
    core.register(clients.network.id as Network, new ExactEvmScheme(signer));
    if (clients.network.v1Name) core.registerV1(clients.network.v1Name as Network, new ExactEvmSchemeV1(signer));
  }

  const networkIdOf = (requirements: PaymentRequirements): string => {
    const n = requirements.network;
    return deps.chains.all().find((c) => c.network.id === n || c.network.v1Name === n)?.network.id ?? n;
  };

  return {
    kind: "LOCAL",
    async verify(payload, requirements): Promise<VerifyResponse> {
      try {
        return await core.verify(payload, requirements);
      } catch (err) {
        deps.log.warn({ err }, "local facilitator verify threw");
        return { isValid: false, invalidReason: FACILITATOR_UNAVAILABLE, invalidMessage: redactChainText(err instanceof Error ? err.message : String(err)) };
      }
    },
    async settle(payload, requirements): Promise<SettleResponse> {
      let result: SettleResponse;
      try {
        result = await core.settle(payload, requirements);
      } catch (err) {
        deps.log.warn({ err }, "local facilitator settle threw");
        return { success: false, errorReason: FACILITATOR_UNAVAILABLE, errorMessage: redactChainText(err instanceof Error ? err.message : String(err)), transaction: "", network: requirements.network };
      }
      if (!result.success) return result;
      const clients = deps.chains.forNetwork(networkIdOf(requirements));
      const authorization = (payload.payload as { authorization?: { from?: string; value?: string } }).authorization;
      if (!clients || !authorization?.from) return result;
      const hash = result.transaction.toLowerCase();
      const receipt = receipts.get(hash) ?? (await clients.publicClient.getTransactionReceipt({ hash: hash as Hash }));
      receipts.delete(hash);
      const amount = BigInt((requirements as { amount?: string; maxAmountRequired?: string }).amount ?? (requirements as { maxAmountRequired?: string }).maxAmountRequired ?? "0");
      const check = checkTransferReceipt(receipt, { asset: requirements.asset, from: authorization.from, payTo: requirements.payTo, amount });
      if (!check.ok) return { ...result, success: false, errorReason: check.reason, errorMessage: check.message };
      // the block goes to the ledger; `extra` is the protocol's place for facilitator-specific data
      return { ...result, extra: { ...result.extra, blockNumber: receipt.blockNumber.toString() } };
    },
    supported: () => Promise.resolve(core.getSupported() as SupportedResponse),
  };
}
