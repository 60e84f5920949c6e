// The events a merchant can subscribe a webhook endpoint to. A module of its own so the console's
// client components can list them without importing the server code.
export const WEBHOOK_EVENT_TYPES = [
  "payment.settled",
  "payment.failed",
  "payment.refundable",
  "payment.refunded",
  "payment.unpaid",
  "usage.charged",
  "alert.opened",
  "alert.resolved",
] as const;
export type SubscribableWebhookEvent = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<SubscribableWebhookEvent, string> = {
  "payment.settled": "A payment moved on chain and was recorded",
  "payment.failed": "A reserved payment was released without charging",
  "payment.refundable":
    "A payment settled before the upstream call, which then failed: the payer is owed a refund",
  "payment.refunded": "A refund of a payment was sent back to the payer",
  "payment.unpaid": "A deferred settlement finally failed: the call was served but not paid",
  "usage.charged": "A paid call was recorded as usage",
  "alert.opened":
    "A risk alert about this merchant opened (failure rates, abnormal payers, busy IPs, trend breaks)",
  "alert.resolved": "A risk alert about this merchant cleared on its own",
};
