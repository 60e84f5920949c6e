// The three settlement policies in plain words, for the console's rule form and rules table and for
// the docs. A module of its own so client components can import it.

export const SETTLEMENT_POLICIES = ["AFTER_SUCCESS", "BEFORE_PROXY", "DEFERRED", "BATCH"] as const;
export type SettlementPolicyName = (typeof SETTLEMENT_POLICIES)[number];

export const SETTLEMENT_POLICY_COPY: Record<
  SettlementPolicyName,
  { label: string; short: string; explanation: string }
> = {
  AFTER_SUCCESS: {
    label: "After the upstream succeeds",
    short: "After success",
    explanation:
      "The payment is checked, your API is called, and the money moves only if your API answered below 400. Buyers never pay for a failed call.",
  },
  BEFORE_PROXY: {
    label: "Before calling the upstream",
    short: "Before proxy",
    explanation:
      "The money moves before your API is called, for calls that do work you cannot undo. If your API then fails, the buyer was still charged and the payment is flagged as owed a refund (and a payment.refundable webhook is sent).",
  },
  DEFERRED: {
    label: "Deferred (answer first, settle right after)",
    short: "Deferred",
    explanation:
      "The payment is checked and reserved, your API answers at once, and the money moves moments later from a durable queue, so paid calls are nearly as fast as free ones. You carry a small risk: if the buyer empties their wallet first, the call is recorded as unpaid and the buyer is flagged. Applies only while deferred settlement is on in Settings, up to the per-buyer cap set there.",
  },
  BATCH: {
    label: "Batch settlement (x402 batch-settlement scheme)",
    short: "Batch",
    explanation:
      "The buyer deposits once into an on-chain channel and signs a voucher per call; each voucher is checked and charged against the deposit at once, and many calls are claimed and paid out to you in one transaction later (after the number of calls or the age set in Settings). For many small calls from the same buyers. One network and asset per rule, per-request billing only.",
  },
};
