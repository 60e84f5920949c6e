import { z } from "zod";

// Alert thresholds: the platform's defaults (admins) and a merchant's own (its owners and admins).
// A merchant sets any subset; what it leaves unset follows the platform. The window and the chain
// RPC rule are the platform's alone (the RPC belongs to the platform, and one window keeps the
// evaluation one pass over the access log).

export const ALERT_RULES = [
  "verification_failure_rate",
  "chain_rpc_failure_rate",
  "abnormal_payments",
  "high_frequency_ip",
  "trend_break",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const merchantAlertThresholdsSchema = z.object({
  /** verification_failure_rate: share of payment attempts refused (0–1) */
  verificationFailureRate: z.number().min(0.01).max(1),
  /** …counted only once the merchant saw this many payment attempts in the window */
  verificationMinAttempts: z.number().int().min(1).max(1_000_000),
  /** abnormal_payments: failed signatures or replays by one payer in the window */
  payerFailedPayments: z.number().int().min(1).max(1_000_000),
  /** high_frequency_ip: calls from one IP in the window, at least… */
  ipMinCalls: z.number().int().min(1).max(10_000_000),
  /** …and this many times its usual calls per window over the baseline day */
  ipRateMultiplier: z.number().min(1).max(1000),
  /** trend_break: robust z-score (median/MAD) of the last window against the merchant's baseline day */
  trendZScore: z.number().min(1).max(100),
  /** …evaluated only for merchants whose median window saw at least this many calls */
  trendMinBaselineCalls: z.number().int().min(1).max(10_000_000),
});
export type MerchantAlertThresholds = z.infer<typeof merchantAlertThresholdsSchema>;

export const platformAlertThresholdsSchema = merchantAlertThresholdsSchema.extend({
  /** chain_rpc_failure_rate: share of JSON-RPC calls failing per network since the last evaluation */
  rpcFailureRate: z.number().min(0.01).max(1),
  rpcMinCalls: z.number().int().min(1).max(10_000_000),
  /** the evaluation window (minutes): recent traffic is this long; the baseline is the day before it */
  windowMinutes: z.number().int().min(1).max(360),
});
export type PlatformAlertThresholds = z.infer<typeof platformAlertThresholdsSchema>;

export const DEFAULT_ALERT_THRESHOLDS: PlatformAlertThresholds = {
  verificationFailureRate: 0.25,
  verificationMinAttempts: 20,
  payerFailedPayments: 10,
  ipMinCalls: 300,
  ipRateMultiplier: 10,
  trendZScore: 5,
  trendMinBaselineCalls: 20,
  rpcFailureRate: 0.2,
  rpcMinCalls: 20,
  windowMinutes: 15,
};

export const updatePlatformThresholdsInput = platformAlertThresholdsSchema.partial();
/** a merchant's update: a number sets its own value, null returns that one to the platform's */
export const updateMerchantThresholdsInput = z.object(
  Object.fromEntries(
    Object.entries(merchantAlertThresholdsSchema.shape).map(([k, v]) => [
      k,
      v.nullable().optional(),
    ]),
  ) as {
    [K in keyof MerchantAlertThresholds]: z.ZodOptional<
      z.ZodNullable<(typeof merchantAlertThresholdsSchema.shape)[K]>
    >;
  },
);

export const alertIdInput = z.object({ alertId: z.string().min(1).max(64) });

export const listAlertsInput = z.object({
  status: z.enum(["OPEN", "RESOLVED"]).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

/** How each threshold reads in the consoles' forms. */
export const THRESHOLD_FIELDS: {
  key: keyof PlatformAlertThresholds;
  label: string;
  hint: string;
  platformOnly?: boolean;
}[] = [
  {
    key: "verificationFailureRate",
    label: "Verification failure rate",
    hint: "share of payment attempts refused in the window (0–1)",
  },
  {
    key: "verificationMinAttempts",
    label: "…after at least (attempts)",
    hint: "payment attempts in the window before the rate counts",
  },
  {
    key: "payerFailedPayments",
    label: "Failed payments by one payer",
    hint: "failed signatures or replays by one wallet in the window",
  },
  {
    key: "ipMinCalls",
    label: "Calls from one IP",
    hint: "calls in the window before an IP can be flagged",
  },
  {
    key: "ipRateMultiplier",
    label: "…times its usual rate",
    hint: "against its average window over the day before",
  },
  {
    key: "trendZScore",
    label: "Trend break (robust z)",
    hint: "how far calls or revenue stray from the day's median, in MAD-based deviations",
  },
  {
    key: "trendMinBaselineCalls",
    label: "…for merchants with (calls per window)",
    hint: "median calls per window needed before trends are judged",
  },
  {
    key: "rpcFailureRate",
    label: "Chain RPC failure rate",
    hint: "share of JSON-RPC calls failing per network between runs (0–1)",
    platformOnly: true,
  },
  {
    key: "rpcMinCalls",
    label: "…after at least (RPC calls)",
    hint: "calls between runs before the rate counts",
    platformOnly: true,
  },
  {
    key: "windowMinutes",
    label: "Window (minutes)",
    hint: "recent traffic is this long; the baseline is the day before",
    platformOnly: true,
  },
];
