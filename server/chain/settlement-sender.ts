import {
  HttpRequestError,
  keccak256,
  RpcError,
  TimeoutError,
  TransactionReceiptNotFoundError,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

import type { Log } from "@/server/observability/logger";

import {
  chooseAccount,
  emptyNonceBook,
  planStuckRecovery,
  releaseNonce,
  syncNonceBook,
  takeNonce,
  type NonceBook,
} from "./nonce-book";
import { describeSendError, isNonceRejection, nonceRetryDelayMs } from "./nonce-retry";
import type { ReceiptWatcher } from "./receipt-watcher";

// Sends settlement transactions from one or more facilitator accounts on one chain, pipelined:
// each send is checked first (gas estimation runs the call, so a used authorization or a payer
// without the balance fails here and takes no nonce), then takes the next nonce from a local book,
// is signed locally and broadcast without waiting for the previous one to be mined. Receipts come
// from one shared watcher per chain (receipt-watcher.ts).
//
// Sharing a key with other instances: a nonce another instance already used is refused by the node
// ("nonce too low"); the book then moves up to the chain's pending count and the send takes a new
// nonce. Only refusals that prove the transaction was not accepted lead to a new nonce: after a
// timeout the transaction may be in the pool, so its nonce stays taken and the *same signed bytes*
// are broadcast again later (same hash: it can be mined once at most).
//
// Replaced: another instance's transaction at the same nonce with a higher fee can push ours out
// of the pool. Once the account's mined count passes our nonce with no receipt for our hash, the
// call is sent again with a new nonce and the old hash's waiters get the new receipt.
//
// Holes: a nonce taken and then given up (a refusal, or another instance that died between taking
// and sending) stalls every later transaction from the account. Given-back nonces are reused first;
// and when a transaction has waited longer than `stuckAfterMs`, each missing nonce below it is
// filled with a zero-value transfer to itself, and ours are broadcast again.

export type SettlementCall = { to: Address; data: Hex; value?: bigint };

export type SettlementSender = {
  /** The sending accounts' addresses. */
  addresses(): Address[];
  /**
   * Estimates, signs and broadcasts `call`; resolves with its hash once the node accepted it (or
   * may have: a timed-out broadcast resolves too, and is broadcast again until mined or replaced).
   * `key` names what the call spends (e.g. an EIP-3009 authorization): a second send with the same
   * key is refused while the first is in flight or after it succeeded.
   */
  send(call: SettlementCall, opts?: { key?: string }): Promise<Hash>;
  waitForReceipt(hash: Hash, timeoutMs: number): Promise<TransactionReceipt>;
  /** Transactions waiting for a receipt, per account (same order as addresses()). */
  inFlight(): number[];
  stop(): void;
};

export class AlreadySentError extends Error {
  constructor(
    readonly key: string,
    readonly hash: Hash | null,
  ) {
    // worded so the official scheme's error parser reports the authorization as used
    super(
      hash
        ? `authorization already used by settlement transaction ${hash}`
        : "authorization already used by a settlement being sent",
    );
    this.name = "AlreadySentError";
  }
}

type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { gasPrice: bigint };

type Sent = {
  hash: Hash;
  raw: Hex;
  since: number;
  call: SettlementCall;
  key?: string;
  fees: Fees;
  /** when a transfer to self was last sent at this nonce to push this transaction out of the pool */
  displacedAt?: number;
};

type Lane = {
  account: PrivateKeyAccount;
  book: NonceBook;
  synced: Promise<void> | null;
  /** by nonce: every transaction of ours not yet known to be mined */
  sent: Map<bigint, Sent>;
  /** sends between choosing this account and broadcasting (counted as load) */
  preparing: number;
};

const SEND_ATTEMPTS = 12;
const FEE_TTL_MS = 1000;
const SENT_KEYS_KEPT = 10_000;
/** how old a transaction of ours must be before a missing receipt below the mined count means it was replaced */
const REPLACED_CHECK_AFTER_MS = 1000;

/** The node answered the broadcast with a JSON-RPC error: it refused the transaction. */
function isRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof TimeoutError || e instanceof HttpRequestError) return false;
    if (e instanceof RpcError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function isAlreadyKnown(err: unknown): boolean {
  return /already known|known transaction|already imported|already in (the )?(mem)?pool/i.test(
    describeSendError(err) + String((err as { details?: string })?.details ?? ""),
  );
}

export function createSettlementSender(
  deps: {
    publicClient: PublicClient;
    chain: Chain;
    accounts: readonly PrivateKeyAccount[];
    watcher: ReceiptWatcher;
    log: Log;
  },
  opts: { stuckAfterMs?: number; wait?: (ms: number) => Promise<void>; random?: () => number } = {},
): SettlementSender {
  if (deps.accounts.length === 0)
    throw new Error("createSettlementSender needs at least one account");
  const { publicClient, chain, watcher, log } = deps;
  const stuckAfterMs = opts.stuckAfterMs ?? 20_000;
  const wait =
    opts.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const lanes: Lane[] = deps.accounts.map((account) => ({
    account,
    book: emptyNonceBook(),
    synced: null,
    sent: new Map(),
    preparing: 0,
  }));
  // key → hash (null while being sent); bounded: an old key's authorization is used on chain anyway
  const keys = new Map<string, Hash | null>();
  let rotation = 0;
  let fees: { at: number; value: Promise<Fees> } | null = null;

  const pendingCount = (lane: Lane) =>
    publicClient.getTransactionCount({ address: lane.account.address, blockTag: "pending" });

  const ensureSynced = (lane: Lane): Promise<void> => {
    lane.synced ??= pendingCount(lane).then(
      (count) => {
        lane.book = syncNonceBook(lane.book, BigInt(count));
      },
      (err: unknown) => {
        lane.synced = null;
        throw err;
      },
    );
    return lane.synced;
  };

  const currentFees = (): Promise<Fees> => {
    if (fees && Date.now() - fees.at < FEE_TTL_MS) return fees.value;
    const value = publicClient.estimateFeesPerGas({ chain }).then(
      (f): Fees => ({ maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas }),
      async (): Promise<Fees> => ({ gasPrice: await publicClient.getGasPrice() }),
    );
    fees = { at: Date.now(), value };
    value.catch(() => {
      if (fees?.value === value) fees = null;
    });
    return value;
  };

  const sign = async (
    lane: Lane,
    call: SettlementCall,
    nonce: bigint,
    gas: bigint,
    f: Fees,
  ): Promise<Hex> => {
    const base = {
      chainId: chain.id,
      nonce: Number(nonce),
      to: call.to,
      data: call.data,
      value: call.value ?? 0n,
      gas,
    };
    return "gasPrice" in f
      ? lane.account.signTransaction({ ...base, type: "legacy", gasPrice: f.gasPrice })
      : lane.account.signTransaction({ ...base, type: "eip1559", ...f });
  };

  const broadcast = (raw: Hex) => publicClient.sendRawTransaction({ serializedTransaction: raw });

  const forgetKey = (key: string | undefined) => {
    if (key !== undefined) keys.delete(key);
  };

  // the lane's own interest in the receipt: frees the nonce's slot, and frees the key when reverted
  const track = (lane: Lane, nonce: bigint, entry: Sent) => {
    watcher.wait(entry.hash, 24 * 3600_000).then(
      (receipt) => {
        if (lane.sent.get(nonce)?.hash === entry.hash) lane.sent.delete(nonce);
        if (receipt.status !== "success") forgetKey(entry.key);
      },
      () => undefined,
    );
  };

  async function sendFrom(
    lane: Lane,
    call: SettlementCall,
    key: string | undefined,
  ): Promise<Hash> {
    // runs the call against the chain: a doomed settlement fails here, before it takes a nonce
    const estimated = await publicClient.estimateGas({
      account: lane.account.address,
      to: call.to,
      data: call.data,
      value: call.value,
    });
    const gas = estimated + estimated / 5n;
    const f = await currentFees();
    await ensureSynced(lane);
    for (let attempt = 1; ; attempt++) {
      const taken = takeNonce(lane.book);
      lane.book = taken.book;
      const nonce = taken.nonce;
      let raw: Hex;
      try {
        raw = await sign(lane, call, nonce, gas, f);
      } catch (err) {
        lane.book = releaseNonce(lane.book, nonce);
        throw err;
      }
      const entry: Sent = { hash: keccak256(raw), raw, since: Date.now(), call, key, fees: f };
      lane.sent.set(nonce, entry);
      try {
        await broadcast(raw);
      } catch (err) {
        if (isAlreadyKnown(err)) {
          // the node has these very bytes already (an earlier attempt of the transport got through)
        } else if (isNonceRejection(err)) {
          // another instance on this key used the nonce: it is not ours to give back
          lane.sent.delete(nonce);
          if (attempt >= SEND_ATTEMPTS) throw err;
          log.warn(
            {
              attempt,
              account: lane.account.address,
              nonce: nonce.toString(),
              error: describeSendError(err),
            },
            "settlement transaction's nonce was taken (another instance sent from the same key); sending again",
          );
          lane.book = syncNonceBook(lane.book, BigInt(await pendingCount(lane)));
          await wait(nonceRetryDelayMs(attempt, random()));
          continue;
        } else if (isRefusal(err)) {
          lane.sent.delete(nonce);
          lane.book = releaseNonce(lane.book, nonce);
          throw err;
        } else {
          // not known to be refused: it may be in the pool. Keep its nonce and hash; the stuck
          // check broadcasts the same bytes again until it is mined or its nonce is used otherwise.
          log.warn(
            {
              account: lane.account.address,
              nonce: nonce.toString(),
              hash: entry.hash,
              error: describeSendError(err),
            },
            "settlement broadcast did not answer; waiting for the transaction and broadcasting it again if it stays missing",
          );
        }
      }
      track(lane, nonce, entry);
      return entry.hash;
    }
  }

  async function fillNonce(lane: Lane, nonce: bigint): Promise<void> {
    lane.book = { ...lane.book, free: lane.book.free.filter((n) => n !== nonce) };
    const raw = await sign(
      lane,
      { to: lane.account.address, data: "0x" },
      nonce,
      21_000n,
      await currentFees(),
    );
    try {
      await broadcast(raw);
      log.warn(
        { account: lane.account.address, nonce: nonce.toString(), hash: keccak256(raw) },
        "filled a nonce gap that stalled settlement transactions (zero-value transfer to self)",
      );
    } catch (err) {
      // refused for its nonce: someone filled it meanwhile, which is all we wanted
      if (!isNonceRejection(err) && !isAlreadyKnown(err)) throw err;
    }
  }

  // Another instance on the same key can replace ours in the pool (same nonce, higher fee): the
  // account's mined count then passes our nonce and our hash has no receipt. The call was not made,
  // so it is sent again with a new nonce, and waiters for the old hash get the new one's receipt.
  async function resendReplaced(lane: Lane): Promise<void> {
    const now = Date.now();
    const old = [...lane.sent].filter(([, s]) => now - s.since >= REPLACED_CHECK_AFTER_MS);
    if (old.length === 0) return;
    const mined = BigInt(
      await publicClient.getTransactionCount({ address: lane.account.address, blockTag: "latest" }),
    );
    for (const [nonce, entry] of old) {
      if (nonce >= mined || lane.sent.get(nonce) !== entry) continue;
      const receipt = await publicClient
        .getTransactionReceipt({ hash: entry.hash })
        .catch((err: unknown) => {
          if (err instanceof TransactionReceiptNotFoundError) return null;
          throw err;
        });
      if (receipt || lane.sent.get(nonce) !== entry) continue; // the watcher delivers it
      lane.sent.delete(nonce);
      log.warn(
        { account: lane.account.address, nonce: nonce.toString(), hash: entry.hash },
        "settlement transaction was replaced by another at its nonce; sending it again",
      );
      try {
        const hash = await sendFrom(lane, entry.call, entry.key);
        if (entry.key !== undefined) keys.set(entry.key, hash);
        watcher.redirect(entry.hash, hash);
      } catch (err) {
        // it no longer runs (its authorization was used meanwhile, say): its waiters learn why
        forgetKey(entry.key);
        watcher.cancel(
          entry.hash,
          `settlement transaction was replaced at its nonce and could not be sent again: ${describeSendError(err)}`,
        );
      }
    }
  }

  async function recoverLane(lane: Lane): Promise<void> {
    await resendReplaced(lane);
    const now = Date.now();
    const stuck = [...lane.sent.values()].some((s) => now - s.since >= stuckAfterMs);
    if (!stuck) return;
    const mined = BigInt(
      await publicClient.getTransactionCount({ address: lane.account.address, blockTag: "latest" }),
    );
    const plan = planStuckRecovery(mined, [...lane.sent.keys()]);
    for (const nonce of plan.fill) await fillNonce(lane, nonce);
    for (const nonce of plan.rebroadcast) {
      const entry = lane.sent.get(nonce);
      if (entry) await broadcast(entry.raw).catch(() => undefined);
    }
    const head = lane.sent.get(mined);
    if (
      head &&
      now - head.since >= stuckAfterMs &&
      (head.displacedAt === undefined || now - head.displacedAt >= stuckAfterMs)
    )
      await displaceHead(lane, mined, head);
  }

  // The chain waits for exactly our oldest transaction, the node has its bytes (broadcast again
  // above) and still does not mine it: its fee fell behind, or anvil keeps it in its queued pool
  // with everything after it (foundry-rs/foundry#10122; another transaction at that nonce releases
  // them). A zero-value transfer to self at a higher fee takes the nonce; the call was then not
  // made, and resendReplaced sends it again on a new nonce once the count passes this one. Only one
  // transaction can be mined at a nonce, so the call is still made once at most.
  async function displaceHead(lane: Lane, nonce: bigint, head: Sent): Promise<void> {
    head.displacedAt = Date.now();
    const current = await currentFees();
    const bump = (a: bigint, b: bigint) => (a > b ? a : b) * 2n;
    const fees: Fees =
      "gasPrice" in current || "gasPrice" in head.fees
        ? {
            gasPrice: bump(
              "gasPrice" in current ? current.gasPrice : current.maxFeePerGas,
              "gasPrice" in head.fees ? head.fees.gasPrice : head.fees.maxFeePerGas,
            ),
          }
        : {
            maxFeePerGas: bump(current.maxFeePerGas, head.fees.maxFeePerGas),
            maxPriorityFeePerGas: bump(
              current.maxPriorityFeePerGas,
              head.fees.maxPriorityFeePerGas,
            ),
          };
    const raw = await sign(lane, { to: lane.account.address, data: "0x" }, nonce, 21_000n, fees);
    try {
      await broadcast(raw);
      log.warn(
        {
          account: lane.account.address,
          nonce: nonce.toString(),
          held: head.hash,
          hash: keccak256(raw),
        },
        "the node held a settlement transaction at the account's next nonce without mining it: replaced by a transfer to self, the call is sent again",
      );
    } catch (err) {
      // mined meanwhile ("nonce too low"), or the node would not replace it: looked at again later
      if (!isNonceRejection(err))
        log.warn(
          { account: lane.account.address, nonce: nonce.toString(), error: describeSendError(err) },
          "could not replace a settlement transaction the node held without mining it",
        );
    }
  }

  let recovering = false;
  const recoveryTimer = setInterval(
    () => {
      if (recovering || lanes.every((l) => l.sent.size === 0)) return;
      recovering = true;
      Promise.all(
        lanes.map((lane) =>
          recoverLane(lane).catch((err: unknown) =>
            log.warn(
              { account: lane.account.address, error: describeSendError(err) },
              "checking for stuck settlement transactions failed",
            ),
          ),
        ),
      ).finally(() => {
        recovering = false;
      });
    },
    Math.min(REPLACED_CHECK_AFTER_MS, Math.max(50, Math.floor(stuckAfterMs / 2))),
  );
  recoveryTimer.unref();

  return {
    addresses: () => lanes.map((l) => l.account.address),
    async send(call, sendOpts = {}) {
      const key = sendOpts.key?.toLowerCase();
      if (key !== undefined) {
        if (keys.has(key)) throw new AlreadySentError(key, keys.get(key) ?? null);
        keys.set(key, null);
        if (keys.size > SENT_KEYS_KEPT) keys.delete(keys.keys().next().value as string);
      }
      const lane = lanes[
        chooseAccount(
          lanes.map((l) => l.sent.size + l.preparing),
          rotation++,
        )
      ] as Lane;
      lane.preparing += 1;
      try {
        const hash = await sendFrom(lane, call, key);
        if (key !== undefined) keys.set(key, hash);
        return hash;
      } catch (err) {
        forgetKey(key);
        throw err;
      } finally {
        lane.preparing -= 1;
      }
    },
    waitForReceipt: (hash, timeoutMs) => watcher.wait(hash, timeoutMs),
    inFlight: () => lanes.map((l) => l.sent.size),
    stop() {
      clearInterval(recoveryTimer);
    },
  };
}
