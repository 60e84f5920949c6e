// What a facilitator's settle answer proves about the money (pure). Only two answers prove that
// nothing moved: a refusal before any transaction was sent (the verification failed again at
// settle time) and a mined transaction that reverted. Everything else — a throw, a timeout, a
// receipt that never came, an error message without a transaction hash (x402 v1 loses the hash when
// the receipt wait fails), a hosted facilitator that did not answer — may still end in a transfer,
// so the payment keeps its reservation and the reconciler reads the outcome from the chain.

/** The official exact-EVM scheme's "the transaction was mined and reverted" (with its hash). */
const REVERTED = "invalid_exact_evm_transaction_failed";

// `invalid_*` reasons are verification failures the facilitator reports before sending anything,
// except these, which it reports after a transaction went out (or when its state is unknown)
const INVALID_AFTER_SEND = new Set([
  REVERTED,
  "invalid_transaction_state",
  "invalid_exact_evm_transfer_event_mismatch",
]);

// refusals before sending that do not start with invalid_ (the scheme's and ours)
const REFUSED_BEFORE_SEND = new Set([
  "asset_not_deployed_contract",
  "unsupported_payload_type",
  "unsupported_scheme",
  "unsupported_network",
  "eip6492_factory_not_allowed",
]);

export type SettleVerdict = "settled" | "nothing_moved" | "unclear";

/** Whether a settle answer proves the transfer happened, proves it did not, or proves neither. */
export function settleVerdict(settlement: {
  success: boolean;
  errorReason?: string | null;
  transaction?: string | null;
}): SettleVerdict {
  if (settlement.success) return "settled";
  const reason = settlement.errorReason ?? "";
  if (settlement.transaction) return reason === REVERTED ? "nothing_moved" : "unclear";
  // without a transaction hash a refusal is proof only when it is one the facilitator gives before sending
  if (REFUSED_BEFORE_SEND.has(reason)) return "nothing_moved";
  if (/^invalid_[a-z0-9_]+$/.test(reason) && !INVALID_AFTER_SEND.has(reason))
    return "nothing_moved";
  return "unclear";
}

/** The errorReason of a payment whose settlement outcome is not known yet (it keeps its reservation). */
export const SETTLEMENT_UNCLEAR = "settlement_unclear";
