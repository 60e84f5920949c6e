import type { PrismaClient, SettlementPolicy } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { EncryptionKeys } from "@/server/crypto/secrets";

import { deferredExposure, effectiveSettlementPolicy } from "./deferred";
import {
  insertReservations,
  reservationKeyOf,
  reservationRow,
  reservePayment,
  type ReservationInput,
} from "./ledger";

// The DEFERRED admission, merged: the exposure cap needs the read of a payer's unsettled amount and
// the reservation insert to be one atomic step per merchant and payer (an advisory lock held by one
// transaction, server/payments/deferred.ts). One transaction per call made every DEFERRED call of a
// payer wait for the previous one's lock, each holding a pooled connection while it waited: under
// 50 calls in flight from one payer, the pool was spent on waiting. Here the calls of one merchant
// and payer that arrive while its admission transaction runs wait in memory and are admitted
// together by the next one: one lock, one exposure read, one insert of all their rows, decided in
// arrival order with each DEFERRED row counted into the exposure the next one is checked against.
// The lock still serialises admissions across instances, so the cap holds there too.

/** At most this many reservations in one admission transaction. */
const MAX_BATCH = 100;

export type DeferredAdmission = {
  capAtomic: bigint | null;
  /** the payer's token balance (read through a short cache before the admission), null when unknown */
  balanceAtomic: bigint | null;
  onDowngrade?: (because: string) => void;
};

type Reserved = Awaited<ReturnType<typeof reservePayment>>;

type Waiting = {
  input: ReservationInput;
  admission: DeferredAdmission;
  resolve: (r: Reserved) => void;
  reject: (err: unknown) => void;
};

// per database handle, the calls waiting for their merchant and payer's next admission
const queuesByDb = new WeakMap<PrismaClient, Map<string, Waiting[]>>();

/**
 * Reserves a payment on a DEFERRED rule with the merchant's switch on, choosing DEFERRED or
 * AFTER_SUCCESS under the exposure gate (effectiveSettlementPolicy) atomically with the insert.
 */
export function reserveDeferredPayment(
  db: PrismaClient,
  input: ReservationInput,
  keys: EncryptionKeys,
  admission: DeferredAdmission,
): Promise<Reserved> {
  let queues = queuesByDb.get(db);
  if (!queues) {
    queues = new Map();
    queuesByDb.set(db, queues);
  }
  const key = `${input.merchantId}:${input.payer.toLowerCase()}`;
  return new Promise<Reserved>((resolve, reject) => {
    const waiting = queues.get(key);
    const entry = { input, admission, resolve, reject };
    if (waiting) {
      waiting.push(entry);
      return;
    }
    const queue = [entry];
    queues.set(key, queue);
    void drain(db, keys, queues, key, queue);
  });
}

async function drain(
  db: PrismaClient,
  keys: EncryptionKeys,
  queues: Map<string, Waiting[]>,
  key: string,
  queue: Waiting[],
): Promise<void> {
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH);
    try {
      await admit(db, keys, batch);
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
  queues.delete(key);
}

async function admit(db: PrismaClient, keys: EncryptionKeys, batch: Waiting[]): Promise<void> {
  const first = batch[0] as Waiting;
  const merchantId = first.input.merchantId;
  const payer = first.input.payer.toLowerCase();
  const decided = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('x402_deferred_exposure'), hashtext(${`${merchantId}:${payer}`}))`;
    const exposure = await deferredExposure(tx, { merchantId, payer });
    let unsettledAtomic = exposure.unsettledAtomic;
    // a second copy of an authorization (or payment identifier) in the batch is not decided: it
    // would count towards the exposure the later calls are checked against, and it clashes anyway
    const seen = new Set<string>();
    const firsts = batch.filter((w) => {
      const keys = [reservationKeyOf(w.input)];
      if (w.input.paymentIdentifier) keys.push(`id:${w.input.paymentIdentifier}`);
      const copy = keys.some((k) => seen.has(k));
      for (const k of keys) seen.add(k);
      return !copy;
    });
    const rows = firsts.map((w) => {
      const decision = effectiveSettlementPolicy({
        rulePolicy: "DEFERRED",
        deferredOn: true,
        capAtomic: w.admission.capAtomic,
        exposure: { unsettledAtomic, flagged: exposure.flagged },
        amountAtomic: w.input.amountAtomic,
        balanceAtomic: w.admission.balanceAtomic,
      });
      if (decision.policy === "DEFERRED") unsettledAtomic += w.input.amountAtomic;
      return { waiting: w, decision, paymentId: createId("payment") };
    });
    // a row whose authorization (or payment identifier) is already reserved is skipped, not an error
    const now = new Date();
    const ids = await insertReservations(
      tx,
      rows.map((r) => reservationRow(r.waiting.input, keys, r.paymentId, r.decision.policy, now)),
    );
    return rows.map((r) => ({ ...r, created: ids.has(r.paymentId) }));
  });
  const decidedOnes = new Set(decided.map((r) => r.waiting));
  const copies = batch.filter((w) => !decidedOnes.has(w));
  for (const r of [
    ...decided,
    ...copies.map((waiting) => ({ waiting, created: false as const })),
  ]) {
    if (!r.created) {
      // it clashed: the single reservation tells which key, or reserves it now if the row that
      // held the authorization was released meanwhile — then settled before answering, since this
      // insert no longer sits under the exposure lock
      reservePayment(db, { ...r.waiting.input, settlementPolicy: "AFTER_SUCCESS" }, keys).then(
        r.waiting.resolve,
        r.waiting.reject,
      );
      continue;
    }
    if (r.decision.downgraded) r.waiting.admission.onDowngrade?.(r.decision.downgraded);
    const settlementPolicy: SettlementPolicy = r.decision.policy;
    r.waiting.resolve({ ok: true, paymentId: r.paymentId, settlementPolicy });
  }
}
