import { randomBytes } from "node:crypto";

import {
  createPublicClient,
  custom,
  encodeFunctionData,
  http,
  keccak256,
  parseTransaction,
  RpcRequestError,
  TimeoutError,
  toHex,
  type Address,
  type Hash,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { afterEach, describe, expect, inject, it } from "vitest";

import { createLogger } from "@/server/observability/logger";
import { fundedAccount } from "@/server/testing/gateway-harness";

import { accountFor } from "./accounts";
import { TEST_USDC_ABI } from "./contracts.artifact";
import { localChainDefinition } from "./local-chain";
import { createReceiptWatcher } from "./receipt-watcher";
import {
  AlreadySentError,
  createSettlementSender,
  type SettlementSender,
} from "./settlement-sender";
import { signTransferAuthorization, TEST_USDC_EIP712, usdcBalance } from "./test-usdc";

const provided = inject("chain");
const chain = localChainDefinition(provided.chainId, provided.rpcUrl);
const token = provided.tokenAddress;
const publicClient = createPublicClient({
  chain,
  transport: http(provided.rpcUrl, { batch: { wait: 0 } }),
}) as PublicClient;
const log = createLogger({ level: "silent" });
const merchant = accountFor("merchantWallet").address;

type Fault = "lose-request" | "lose-response" | "refuse-slowly" | "replace" | "sit-on";

/**
 * A public client whose broadcasts meet the network faults listed in `faults` (one per broadcast,
 * in order; undefined passes): a request lost on the way (never reaches the node), a response lost
 * on the way back (the node took it), or a node that refuses it, answering only after the next
 * broadcast went out, or another transaction from the same account at the same nonce that reaches
 * the node instead (what another instance's send with a higher fee does to ours in the pool; the
 * broadcast answers with our hash, as the node did when it accepted ours), or a node that accepts the
 * transaction and then sits on it: that broadcast and every later one of the same bytes answer with
 * its hash, and it is never mined. Everything else reaches anvil.
 */
function clientWithFaults(
  faults: (Fault | undefined)[],
  replacer?: PrivateKeyAccount,
): PublicClient {
  const inner = http(provided.rpcUrl)({ chain, retryCount: 0 });
  let broadcast = 0;
  let nextBroadcast: () => void = () => undefined;
  const satOn = new Set<Hash>();
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      if (method === "eth_sendRawTransaction") {
        const [raw] = params as [Hex];
        if (satOn.has(keccak256(raw))) return keccak256(raw);
        const fault = faults[broadcast++];
        nextBroadcast();
        if (fault === "sit-on") {
          satOn.add(keccak256(raw));
          return keccak256(raw);
        }
        if (fault === "lose-request")
          throw new TimeoutError({ body: { method, params }, url: provided.rpcUrl });
        if (fault === "refuse-slowly") {
          await new Promise<void>((resolve) => (nextBroadcast = resolve));
          throw new RpcRequestError({
            body: { method, params },
            error: { code: -32003, message: "transaction pool is full" },
            url: provided.rpcUrl,
          });
        }
        if (fault === "replace") {
          const [raw] = params as [Hex];
          const ours = parseTransaction(raw);
          const other = await replacer!.signTransaction({
            chainId: provided.chainId,
            type: "legacy",
            nonce: ours.nonce!,
            to: replacer!.address,
            value: 0n,
            gas: 21_000n,
            gasPrice: await publicClient.getGasPrice(),
          });
          await inner.request({ method, params: [other] } as never);
          return keccak256(raw);
        }
        if (fault === "lose-response") {
          await inner.request({ method, params } as never);
          throw new TimeoutError({ body: { method, params }, url: provided.rpcUrl });
        }
      }
      return inner.request({ method, params } as never);
    },
  });
  return createPublicClient({
    chain,
    transport: (p) => transport({ ...p, retryCount: 0 }),
  }) as PublicClient;
}

const senders: SettlementSender[] = [];
const watchers: { stop(): void }[] = [];
afterEach(() => {
  for (const s of senders.splice(0)) s.stop();
  for (const w of watchers.splice(0)) w.stop();
});

function senderFor(
  accounts: PrivateKeyAccount[],
  opts: { client?: PublicClient; stuckAfterMs?: number } = {},
): SettlementSender {
  const client = opts.client ?? publicClient;
  const watcher = createReceiptWatcher({ publicClient: client }, { pollIntervalMs: 50 });
  const sender = createSettlementSender(
    { publicClient: client, chain, accounts, watcher, log },
    { stuckAfterMs: opts.stuckAfterMs ?? 60_000 },
  );
  watchers.push(watcher);
  senders.push(sender);
  return sender;
}

/** A signed EIP-3009 authorization from `payer` as the settlement call it becomes, with the key naming it. */
async function authorizationCall(
  payer: PrivateKeyAccount,
  value = 1000n,
): Promise<{ call: { to: Address; data: Hex }; key: string }> {
  const nonce = toHex(randomBytes(32));
  const validBefore = BigInt(Math.floor(Date.now() / 1000)) + 3600n;
  const message = { from: payer.address, to: merchant, value, validAfter: 0n, validBefore, nonce };
  const signature = await signTransferAuthorization(
    payer,
    { ...TEST_USDC_EIP712, chainId: provided.chainId, verifyingContract: token },
    message,
  );
  const data = encodeFunctionData({
    abi: TEST_USDC_ABI,
    functionName: "transferWithAuthorization",
    args: [
      message.from,
      message.to,
      message.value,
      message.validAfter,
      message.validBefore,
      message.nonce,
      signature,
    ],
  });
  return { call: { to: token, data }, key: `eip3009:${token}:${payer.address}:${nonce}` };
}

async function authorizationCalls(payer: PrivateKeyAccount, count: number) {
  return Promise.all(Array.from({ length: count }, () => authorizationCall(payer)));
}

const facilitatorAccount = () => fundedAccount(publicClient, provided.rpcUrl, token, "0");
const payerAccount = () => fundedAccount(publicClient, provided.rpcUrl, token, "100");
const minedCount = (address: Address) =>
  publicClient.getTransactionCount({ address, blockTag: "latest" });
const nonceOf = async (hash: Hash) => (await publicClient.getTransaction({ hash })).nonce;

describe("the settlement sender (pipelined, local nonces)", () => {
  it("sends 50 concurrent settlements from one account with distinct consecutive nonces, all mined", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account]);
    const calls = await authorizationCalls(payer, 50);
    const before = await usdcBalance(publicClient, token, merchant);
    const start = await minedCount(account.address);

    const hashes = await Promise.all(calls.map(({ call, key }) => sender.send(call, { key })));
    const receipts = await Promise.all(hashes.map((h) => sender.waitForReceipt(h, 30_000)));

    expect(receipts.map((r) => r.status)).toEqual(Array(50).fill("success"));
    const nonces = (await Promise.all(hashes.map(nonceOf))).sort((a, b) => a - b);
    expect(nonces).toEqual(Array.from({ length: 50 }, (_, i) => start + i));
    expect(await minedCount(account.address)).toBe(start + 50);
    expect(await usdcBalance(publicClient, token, merchant)).toBeGreaterThanOrEqual(
      before + 50n * 1000n,
    );
    expect(sender.inFlight()).toEqual([0]);
  });

  it("fails a used or repeated authorization alone, without taking a nonce or stalling the rest", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account]);
    const used = await authorizationCall(payer);
    await sender.waitForReceipt(await sender.send(used.call, { key: used.key }), 30_000);
    const start = await minedCount(account.address);

    // a second sender (a fresh process) does not know the key: the chain refuses the used authorization in estimation
    const fresh = senderFor([account]);
    await expect(fresh.send(used.call, { key: used.key })).rejects.toThrow(
      /authorization is used or canceled/,
    );

    const calls = await authorizationCalls(payer, 20);
    const attempts = [...calls, used, calls[3]!, used].map(({ call, key }) =>
      fresh.send(call, { key }),
    );
    const outcomes = await Promise.allSettled(attempts);
    const ok = outcomes.filter((o): o is PromiseFulfilledResult<Hash> => o.status === "fulfilled");
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(failed).toHaveLength(3);
    // the repeat of calls[3] is refused by the sender itself, named as used for the official error parser
    expect(
      failed.some(
        (f) =>
          f.reason instanceof AlreadySentError &&
          /authorization already used/.test(String(f.reason.message)),
      ),
    ).toBe(true);
    const receipts = await Promise.all(ok.map((o) => fresh.waitForReceipt(o.value, 30_000)));
    expect(receipts.every((r) => r.status === "success")).toBe(true);
    expect(await minedCount(account.address)).toBe(start + 20);
    expect(
      await publicClient.getTransactionCount({ address: account.address, blockTag: "pending" }),
    ).toBe(start + 20);
  });

  it("lets two instances on the same key both finish everything (nonce collisions are sent again)", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const first = senderFor([account]);
    const second = senderFor([account]);
    const calls = await authorizationCalls(payer, 50);
    const start = await minedCount(account.address);

    const hashes = await Promise.all(
      calls.map(({ call, key }, i) => (i % 2 === 0 ? first : second).send(call, { key })),
    );
    const receipts = await Promise.all(
      hashes.map((h, i) => (i % 2 === 0 ? first : second).waitForReceipt(h, 30_000)),
    );

    expect(receipts.every((r) => r.status === "success")).toBe(true);
    // a send the other instance replaced in the pool was sent again: its receipt names the new hash
    const mined = receipts.map((r) => r.transactionHash);
    expect(new Set(mined).size).toBe(50);
    expect(new Set(await Promise.all(mined.map(nonceOf))).size).toBe(50);
    expect(await minedCount(account.address)).toBe(start + 50);
  });

  it("sends a settlement again when another transaction took its nonce in the pool, and its waiters get the new receipt", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account], { client: clientWithFaults(["replace"], account) });
    const start = await minedCount(account.address);
    // the payer is this test's own (the merchant wallet is paid by other files running meanwhile)
    const before = await usdcBalance(publicClient, token, payer.address);
    const { call, key } = await authorizationCall(payer);

    const hash = await sender.send(call, { key });
    const receipt = await sender.waitForReceipt(hash, 30_000);

    expect(receipt.status).toBe("success");
    expect(receipt.transactionHash).not.toBe(hash);
    expect(await nonceOf(receipt.transactionHash)).toBe(start + 1);
    expect(await minedCount(account.address)).toBe(start + 2);
    expect(await usdcBalance(publicClient, token, payer.address)).toBe(before - 1000n);
    expect(sender.inFlight()).toEqual([0]);
    // the authorization is spent once: sending it again is refused as already sent
    await expect(sender.send(call, { key })).rejects.toBeInstanceOf(AlreadySentError);
  });

  it("replaces a transaction the node sits on at the account's next nonce, and makes the call once on a new nonce", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account], {
      client: clientWithFaults(["sit-on"]),
      stuckAfterMs: 300,
    });
    const start = await minedCount(account.address);
    const before = await usdcBalance(publicClient, token, payer.address);
    const [held, next] = await authorizationCalls(payer, 2);
    const fromBlock = await publicClient.getBlockNumber({ cacheTime: 0 });

    const heldHash = await sender.send(held!.call, { key: held!.key });
    const nextHash = await sender.send(next!.call, { key: next!.key });
    const receipts = await Promise.all([
      sender.waitForReceipt(heldHash, 30_000),
      sender.waitForReceipt(nextHash, 30_000),
    ]);

    expect(receipts.map((r) => r.status)).toEqual(["success", "success"]);
    // the held bytes were never mined: a transfer to self took their nonce, the call went again
    expect(receipts[0]!.transactionHash).not.toBe(heldHash);
    const toBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const atHead = [];
    for (let n = fromBlock + 1n; n <= toBlock; n++) {
      const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      atHead.push(
        ...block.transactions.filter(
          (t) => t.from.toLowerCase() === account.address.toLowerCase() && t.nonce === start,
        ),
      );
    }
    expect(atHead).toHaveLength(1);
    expect(atHead[0]!.to?.toLowerCase()).toBe(account.address.toLowerCase());
    expect(atHead[0]!.value).toBe(0n);
    expect(atHead[0]!.input).toBe("0x");
    expect(await nonceOf(nextHash)).toBe(start + 1);
    expect(await nonceOf(receipts[0]!.transactionHash)).toBe(start + 2);
    expect(await minedCount(account.address)).toBe(start + 3);
    expect(await usdcBalance(publicClient, token, payer.address)).toBe(before - 2000n);
    expect(sender.inFlight()).toEqual([0]);
  });

  it("never sends a timed-out broadcast again with a new nonce: the node had it, the receipt arrives", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account], { client: clientWithFaults(["lose-response"]) });
    const start = await minedCount(account.address);
    const { call, key } = await authorizationCall(payer);

    const hash = await sender.send(call, { key });
    expect((await sender.waitForReceipt(hash, 30_000)).status).toBe("success");
    expect(await nonceOf(hash)).toBe(start);
    expect(await minedCount(account.address)).toBe(start + 1);
    await expect(sender.send(call, { key })).rejects.toBeInstanceOf(AlreadySentError);
  });

  it("broadcasts a lost transaction again (same bytes) once the ones after it are stuck behind it", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    const sender = senderFor([account], {
      client: clientWithFaults(["lose-request"]),
      stuckAfterMs: 300,
    });
    const start = await minedCount(account.address);
    const [lost, next] = await authorizationCalls(payer, 2);

    const lostHash = await sender.send(lost!.call, { key: lost!.key });
    const nextHash = await sender.send(next!.call, { key: next!.key });
    const receipts = await Promise.all([
      sender.waitForReceipt(lostHash, 30_000),
      sender.waitForReceipt(nextHash, 30_000),
    ]);

    expect(receipts.map((r) => r.status)).toEqual(["success", "success"]);
    expect([await nonceOf(lostHash), await nonceOf(nextHash)]).toEqual([start, start + 1]);
    expect(await minedCount(account.address)).toBe(start + 2);
  });

  it("fills a nonce gap left by a refused broadcast with a zero-value transfer to itself", async () => {
    const [account, payer] = await Promise.all([facilitatorAccount(), payerAccount()]);
    // three sends take three nonces; the node refuses the middle one after the third went out, so
    // the third waits behind a hole that no later send reuses
    const sender = senderFor([account], {
      client: clientWithFaults([undefined, "refuse-slowly", undefined]),
      stuckAfterMs: 300,
    });
    const start = await minedCount(account.address);
    const calls = await authorizationCalls(payer, 3);
    const fromBlock = await publicClient.getBlockNumber({ cacheTime: 0 });

    const outcomes = await Promise.allSettled(
      calls.map(({ call, key }) => sender.send(call, { key })),
    );
    const sent = outcomes
      .filter((o): o is PromiseFulfilledResult<Hash> => o.status === "fulfilled")
      .map((o) => o.value);
    expect(
      outcomes
        .filter((o) => o.status === "rejected")
        .map((o) => String((o as PromiseRejectedResult).reason)),
    ).toEqual([expect.stringMatching(/transaction pool is full/)]);
    expect((await Promise.all(sent.map(nonceOf))).sort((a, b) => a - b)).toEqual([
      start,
      start + 2,
    ]);

    const receipts = await Promise.all(sent.map((h) => sender.waitForReceipt(h, 30_000)));
    expect(receipts.map((r) => r.status)).toEqual(["success", "success"]);
    expect(await minedCount(account.address)).toBe(start + 3);

    const toBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const filler = [];
    for (let n = fromBlock + 1n; n <= toBlock; n++) {
      const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      filler.push(
        ...block.transactions.filter(
          (t) => t.from.toLowerCase() === account.address.toLowerCase() && t.nonce === start + 1,
        ),
      );
    }
    expect(filler).toHaveLength(1);
    expect(filler[0]!.to?.toLowerCase()).toBe(account.address.toLowerCase());
    expect(filler[0]!.value).toBe(0n);
    expect(filler[0]!.input).toBe("0x");
  });

  it("spreads settlements over several accounts, least busy first", async () => {
    const [a, b, c, payer] = await Promise.all([
      facilitatorAccount(),
      facilitatorAccount(),
      facilitatorAccount(),
      payerAccount(),
    ]);
    const sender = senderFor([a, b, c]);
    expect(sender.addresses()).toEqual([a.address, b.address, c.address]);
    const calls = await authorizationCalls(payer, 30);

    const hashes = await Promise.all(calls.map(({ call, key }) => sender.send(call, { key })));
    const receipts = await Promise.all(hashes.map((h) => sender.waitForReceipt(h, 30_000)));

    expect(receipts.every((r) => r.status === "success")).toBe(true);
    const perAccount = new Map<string, number>();
    for (const r of receipts)
      perAccount.set(r.from.toLowerCase(), (perAccount.get(r.from.toLowerCase()) ?? 0) + 1);
    expect([...perAccount.keys()].sort()).toEqual(
      [a.address, b.address, c.address].map((x) => x.toLowerCase()).sort(),
    );
    for (const count of perAccount.values()) expect(count).toBeGreaterThanOrEqual(5);
  });
});
