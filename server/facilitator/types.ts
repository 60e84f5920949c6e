import type {
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
  SupportedResponse,
  VerifyResponse,
} from "@x402/core/types";

export type {
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
  SupportedResponse,
  VerifyResponse,
};

export type FacilitatorKind = "LOCAL" | "HOSTED";

/**
 * The payment service the gateway talks to, whichever runs it: our self-hosted facilitator or a
 * hosted one over the standard HTTP API. Failures are values (isValid/success false with a stable
 * reason), never exceptions, so the gateway maps every one to an outcome.
 */
/** Who a facilitator call is for: the gateway request id it carries into log lines. */
export type FacilitatorCallContext = { requestId?: string; merchantId?: string };

export interface Facilitator {
  readonly kind: FacilitatorKind;
  verify(
    payload: PaymentPayload,
    requirements: PaymentRequirements,
    context?: FacilitatorCallContext,
  ): Promise<VerifyResponse>;
  settle(
    payload: PaymentPayload,
    requirements: PaymentRequirements,
    context?: FacilitatorCallContext,
  ): Promise<SettleResponse>;
  supported(): Promise<SupportedResponse>;
}

/** Our own failure reasons, in the protocol's snake_case style, next to the official ones. */
export const FACILITATOR_UNAVAILABLE = "facilitator_unavailable";
export const UNSUPPORTED_NETWORK = "unsupported_network";
