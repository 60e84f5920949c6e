import { decodeJsonHeader } from "./encoding";

// Paying schemes other than `exact` (x402 v2 only): X402Client signs `exact` itself and hands any
// other scheme's requirement to a SchemePayer. `officialScheme` adapts an official x402 client
// scheme (an `@x402/*` SchemeNetworkClient, such as `BatchSettlementEvmScheme` from
// `@x402/evm/batch-settlement/client`) without this package importing it.

/** The structural shape of an official x402 client scheme (`SchemeNetworkClient` in `@x402/core`). */
export type OfficialSchemeClient = {
  readonly scheme: string;
  createPaymentPayload(
    x402Version: number,
    paymentRequirements: never,
  ): Promise<{ x402Version: number; payload: Record<string, unknown> }>;
  readonly schemeHooks?: {
    onPaymentResponse?: (ctx: never) => Promise<unknown>;
  };
};

/** Pays one x402 scheme for X402Client (`schemes` option). */
export type SchemePayer = {
  /** the scheme it pays, e.g. "batch-settlement" */
  scheme: string;
  /** the `payload` of a v2 payment for this requirement (the `accepts` entry as the server sent it) */
  createPayload(requirement: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Told how a paid request ended: the decoded PAYMENT-RESPONSE when it was answered, or the
   * decoded PAYMENT-REQUIRED when the payment was refused (a scheme with state, like a payment
   * channel, resyncs from it; the next request pays from the corrected state).
   */
  onResult?(result: {
    requirement: Record<string, unknown>;
    paymentPayload: Record<string, unknown>;
    settlement?: Record<string, unknown>;
    paymentRequired?: Record<string, unknown>;
  }): Promise<void>;
};

/**
 * A SchemePayer from an official x402 client scheme.
 *
 * @example
 * ```ts
 * import { toClientEvmSigner } from "@x402/evm";
 * import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
 * const client = new X402Client({
 *   endpoint, wallet: account, maxAmount: { USDC: "0.01" },
 *   schemes: [officialScheme(new BatchSettlementEvmScheme(toClientEvmSigner(account, publicClient)))],
 * });
 * ```
 */
export function officialScheme(official: OfficialSchemeClient): SchemePayer {
  return {
    scheme: official.scheme,
    async createPayload(requirement) {
      const created = await official.createPaymentPayload(2, requirement as never);
      return created.payload;
    },
    async onResult(result) {
      const hook = official.schemeHooks?.onPaymentResponse;
      if (!hook) return;
      await hook({
        paymentPayload: result.paymentPayload,
        requirements: result.requirement,
        ...(result.settlement ? { settleResponse: result.settlement } : {}),
        ...(result.paymentRequired ? { paymentRequired: result.paymentRequired } : {}),
      } as never);
    },
  };
}

/** A base64 JSON header as an object, or undefined when absent or not JSON. */
export function decodeHeaderObject(value: string | null): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const decoded = decodeJsonHeader(value);
    return decoded && typeof decoded === "object"
      ? (decoded as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
