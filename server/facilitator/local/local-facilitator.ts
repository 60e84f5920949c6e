import { x402Facilitator } from "@x402/core/facilitator";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/facilitator";
import type { Network } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/facilitator";
import { UptoEvmScheme } from "@x402/evm/upto/facilitator";
import type { FacilitatorEvmSigner } from "@x402/evm";
import {
  concat,
  encodeFunctionData,
  keccak256,
  type Abi,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from "viem";

import type { ChainClientRegistry, ChainClients } from "@/server/chain/clients";
import { createReceiptWatcher } from "@/server/chain/receipt-watcher";
import { createSettlementSender, type SettlementSender } from "@/server/chain/settlement-sender";
import { redactChainText } from "@/server/observability/redact";
import type { Log } from "@/server/observability/logger";

import { checkTransferReceipt } from "../receipt";
import {
  FACILITATOR_UNAVAILABLE,
  type Facilitator,
  type PaymentRequirements,
  type SettleResponse,
  type SupportedResponse,
  type VerifyResponse,
} from "../types";

// The self-hosted facilitator: the official x402 facilitator core with the exact EVM scheme (v2
// and v1) doing the EIP-3009 checks, on viem clients from our network configuration. What we add:
// a receipt check that the Transfer log paid payTo at least the amount, reporting the block number
// in `extra` for the ledger; and how transactions are sent.
//
// The official settle builds the transferWithAuthorization call and hands it to the signer's
// writeContract, then awaits signer.waitForTransactionReceipt. Both are ours: writeContract goes to
// the settlement sender (server/chain/settlement-sender.ts: estimate first, local nonces, raw
// broadcast without waiting, several accounts) and the receipt wait to one watcher per chain. So
// the official code still checks and builds every settlement, and settlements still pipeline:
// each settle awaits only its own receipt, while nothing serialises the sends.

/** What a call spends, so the sender never sends it twice: an EIP-3009 authorization is (token, payer, nonce). */
export function settlementKeyOf(
  to: Hex,
  functionName: string,
  args: readonly unknown[],
  data: Hex,
): string {
  if (
    (functionName === "transferWithAuthorization" || functionName === "receiveWithAuthorization") &&
    typeof args[0] === "string" &&
    typeof args[5] === "string"
  ) {
    return `eip3009:${to}:${args[0]}:${args[5]}`.toLowerCase();
  }
  // the Permit2 proxies' settle: upto's (permit, amount, owner, witness, sig), exact's (permit,
  // owner, witness, sig), each also as settleWithPermit after an EIP-2612 permit. A Permit2 nonce is
  // spent once, whatever amount a retry would ask for
  const permitIndex = functionName === "settle" ? 0 : functionName === "settleWithPermit" ? 1 : -1;
  const permit = args[permitIndex] as { nonce?: bigint } | undefined;
  const owner = args.slice(permitIndex + 1).find((a) => typeof a === "string");
  if (permitIndex >= 0 && typeof permit?.nonce === "bigint" && typeof owner === "string")
    return `permit2:${owner}:${permit.nonce}`.toLowerCase();
  return `call:${to}:${keccak256(data)}`.toLowerCase();
}

/** How long an account's code read is reused (see getCode below). */
const CODE_REUSE_MS = 1000;

function evmSignerFor(
  clients: ChainClients,
  sender: SettlementSender,
  receiptTimeoutMs: number,
  receipts: Map<string, TransactionReceipt>,
  /** picks the sender for a contract call (upto: the account the payer named as facilitator) */
  senderFor: (args: readonly unknown[]) => SettlementSender = () => sender,
): FacilitatorEvmSigner {
  const { publicClient } = clients;
  // the official verify and settle each read the payer's code twice (ERC-6492 classification, then
  // the signature check): four eth_getCode per payment, about half of all RPC calls under load. A
  // read is shared for a second; code deployed meanwhile shows a second later, and the simulation
  // (verify) and gas estimation (settle) still run the transfer against the chain itself.
  const codeReads = new Map<string, { at: number; code: Promise<Hex | undefined> }>();
  const getCode = (address: Hex): Promise<Hex | undefined> => {
    const key = address.toLowerCase();
    const now = Date.now();
    const cached = codeReads.get(key);
    if (cached && now - cached.at < CODE_REUSE_MS) return cached.code;
    const code = publicClient.getCode({ address });
    codeReads.set(key, { at: now, code });
    code.catch(() => {
      if (codeReads.get(key)?.code === code) codeReads.delete(key);
    });
    if (codeReads.size > 4096) codeReads.delete(codeReads.keys().next().value as string);
    return code;
  };
  return {
    getAddresses: () => sender.addresses(),
    readContract: (args) =>
      publicClient.readContract(args as Parameters<typeof publicClient.readContract>[0]),
    verifyTypedData: (args) =>
      publicClient.verifyTypedData(args as Parameters<typeof publicClient.verifyTypedData>[0]),
    writeContract: (args) => {
      const encoded = encodeFunctionData({
        abi: args.abi as Abi,
        functionName: args.functionName,
        args: args.args,
      });
      const data = args.dataSuffix ? concat([encoded, args.dataSuffix]) : encoded;
      return senderFor(args.args ?? []).send(
        { to: args.address, data },
        { key: settlementKeyOf(args.address, args.functionName, args.args ?? [], data) },
      );
    },
    sendTransaction: (args) =>
      sender.send(
        { to: args.to, data: args.data },
        { key: settlementKeyOf(args.to, "", [], args.data) },
      ),
    waitForTransactionReceipt: async (args) => {
      const receipt = await sender.waitForReceipt(args.hash, args.timeout ?? receiptTimeoutMs);
      // kept briefly so the receipt check after settle needs no second round trip
      receipts.set(args.hash.toLowerCase(), receipt);
      if (receipts.size > 1024) receipts.delete(receipts.keys().next().value as string);
      return receipt;
    },
    getCode: (args) => getCode(args.address),
  };
}

// The upto proxy accepts a settlement only from the facilitator address the payer signed (its
// witness), while the settlement sender spreads calls over all its accounts. So upto settlements go
// through one sender per account, chosen by the witness. They share each account with the main
// sender the way two gateway instances on one key do (the sender re-sends a transaction whose
// nonce the other took). One account: the main sender itself.
function witnessFacilitator(args: readonly unknown[] | undefined): string | undefined {
  const witness = (args ?? []).find(
    (a): a is { facilitator: string } =>
      typeof a === "object" &&
      a !== null &&
      typeof (a as { facilitator?: unknown }).facilitator === "string",
  );
  return witness?.facilitator.toLowerCase();
}

function uptoSignerFor(
  clients: ChainClients,
  sender: SettlementSender,
  watcher: ReturnType<typeof createReceiptWatcher>,
  log: Log,
  receiptTimeoutMs: number,
  receipts: Map<string, TransactionReceipt>,
): FacilitatorEvmSigner {
  const accounts = clients.facilitatorAccounts;
  const perAccount = new Map<string, SettlementSender>();
  const senderFor = (args: readonly unknown[]): SettlementSender => {
    const named = witnessFacilitator(args);
    const account = accounts.find((a) => a.address.toLowerCase() === named);
    if (!account || accounts.length === 1) return sender;
    const key = account.address.toLowerCase();
    let own = perAccount.get(key);
    if (!own) {
      own = createSettlementSender({
        publicClient: clients.publicClient,
        chain: clients.chain,
        accounts: [account],
        watcher,
        log,
      });
      perAccount.set(key, own);
    }
    return own;
  };
  const signer = evmSignerFor(clients, sender, receiptTimeoutMs, receipts, senderFor);
  return {
    ...signer,
    // the official verify simulates settle() with an eth_call, which the proxy refuses unless it
    // comes from the witness's facilitator
    readContract: (args) => {
      const from = witnessFacilitator(args.args);
      return clients.publicClient.readContract({
        ...(args as Parameters<typeof clients.publicClient.readContract>[0]),
        ...(from ? { account: from as Hex } : {}),
      });
    },
  };
}

export type LocalFacilitatorOptions = {
  receiptTimeoutMs?: number;
  /** how often the receipt watcher looks for new blocks while settlements wait (default 250 ms) */
  receiptPollMs?: number;
  /** how long a settlement transaction may wait before missing nonces below it are filled (default 20 s) */
  stuckAfterMs?: number;
};

export function createLocalFacilitator(
  deps: { chains: ChainClientRegistry; log: Log },
  opts: LocalFacilitatorOptions = {},
): Facilitator {
  const core = new x402Facilitator();
  const receiptTimeoutMs = opts.receiptTimeoutMs ?? 60_000;
  const receipts = new Map<string, TransactionReceipt>();
  for (const clients of deps.chains.all()) {
    if (clients.facilitatorAccounts.length === 0) continue;
    const watcher = createReceiptWatcher(
      { publicClient: clients.publicClient },
      {
        pollIntervalMs: opts.receiptPollMs,
        onError: (err) =>
          deps.log.warn(
            {
              network: clients.network.id,
              error: redactChainText(err instanceof Error ? err.message : String(err)),
            },
            "looking for settlement receipts failed; trying again",
          ),
      },
    );
    const sender = createSettlementSender(
      {
        publicClient: clients.publicClient,
        chain: clients.chain,
        accounts: clients.facilitatorAccounts,
        watcher,
        log: deps.log,
      },
      { stuckAfterMs: opts.stuckAfterMs },
    );
    const signer = evmSignerFor(clients, sender, receiptTimeoutMs, receipts);
    core.register(clients.network.id as Network, new ExactEvmScheme(signer));
    core.register(
      clients.network.id as Network,
      new UptoEvmScheme(
        uptoSignerFor(clients, sender, watcher, deps.log, receiptTimeoutMs, receipts),
      ),
    );
    // batch-settlement: deposits, batched voucher claims, settle and refunds through the same
    // sender. The first facilitator account also signs claim batches and refunds as the channels'
    // receiverAuthorizer (merchants' payout addresses hold no key of ours).
    const authorizer = clients.facilitatorAccounts[0];
    if (authorizer)
      core.register(
        clients.network.id as Network,
        new BatchSettlementEvmScheme(signer, {
          address: authorizer.address,
          signTypedData: (args) => authorizer.signTypedData(args as never),
        }),
      );
    if (clients.network.v1Name)
      core.registerV1(clients.network.v1Name as Network, new ExactEvmSchemeV1(signer));
  }

  const networkIdOf = (requirements: PaymentRequirements): string => {
    const n = requirements.network;
    return (
      deps.chains.all().find((c) => c.network.id === n || c.network.v1Name === n)?.network.id ?? n
    );
  };

  return {
    kind: "LOCAL",
    async verify(payload, requirements): Promise<VerifyResponse> {
      try {
        return await core.verify(payload, requirements);
      } catch (err) {
        deps.log.warn({ err }, "local facilitator verify threw");
        return {
          isValid: false,
          invalidReason: FACILITATOR_UNAVAILABLE,
          invalidMessage: redactChainText(err instanceof Error ? err.message : String(err)),
        };
      }
    },
    async settle(payload, requirements): Promise<SettleResponse> {
      let result: SettleResponse;
      try {
        result = await core.settle(payload, requirements);
      } catch (err) {
        deps.log.warn({ err }, "local facilitator settle threw");
        return {
          success: false,
          errorReason: FACILITATOR_UNAVAILABLE,
          errorMessage: redactChainText(err instanceof Error ? err.message : String(err)),
          transaction: "",
          network: requirements.network,
        };
      }
      if (!result.success) return result;
      const clients = deps.chains.forNetwork(networkIdOf(requirements));
      const inner = payload.payload as {
        authorization?: { from?: string };
        permit2Authorization?: { from?: string };
      };
      const from = inner.authorization?.from ?? inner.permit2Authorization?.from;
      // an upto settlement of zero sends no transaction
      if (!clients || !from || !result.transaction) return result;
      const hash = result.transaction.toLowerCase();
      const receipt =
        receipts.get(hash) ??
        (await clients.publicClient.getTransactionReceipt({ hash: hash as Hash }));
      receipts.delete(hash);
      const amount = BigInt(
        (requirements as { amount?: string; maxAmountRequired?: string }).amount ??
          (requirements as { maxAmountRequired?: string }).maxAmountRequired ??
          "0",
      );
      const check = checkTransferReceipt(receipt, {
        asset: requirements.asset,
        from,
        payTo: requirements.payTo,
        amount,
      });
      if (!check.ok)
        return {
          ...result,
          success: false,
          errorReason: check.reason,
          errorMessage: check.message,
        };
      // the block goes to the ledger; `extra` is the protocol's place for facilitator-specific data.
      // The mined hash is the receipt's: a transaction replaced in the pool was sent again as another
      return {
        ...result,
        transaction: receipt.transactionHash,
        extra: { ...result.extra, blockNumber: receipt.blockNumber.toString() },
      };
    },
    supported: () => Promise.resolve(core.getSupported() as SupportedResponse),
  };
}
