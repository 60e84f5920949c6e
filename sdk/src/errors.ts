// Every failure of X402Client is one of these, with a stable `code` to branch on.

export type X402ErrorCode =
  | "payment_required"
  | "amount_limit"
  | "payment_rejected"
  | "upstream_error"
  | "network_error"
  | "protocol_error"
  | "wallet_error"
  | "response_format";

export class X402Error extends Error {
  readonly code: X402ErrorCode;
  constructor(code: X402ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Why one offered requirement could not be paid. */
export type RequirementRejection = {
  requirement: unknown;
  reason:
    "unsupported_scheme" | "network_not_allowed" | "unknown_asset" | "over_limit" | "declined";
};

/** The server wants payment, and none of its requirements can be paid under this client's rules. */
export class PaymentRequiredError extends X402Error {
  constructor(
    message: string,
    readonly requirements: unknown[],
    readonly rejections: RequirementRejection[],
  ) {
    super("payment_required", message);
  }
}

/** A requirement would be payable, but costs more than `maxAmount` allows; nothing was signed. */
export class AmountLimitError extends X402Error {
  constructor(
    message: string,
    readonly asset: string,
    readonly amount: string,
    readonly limit: string,
  ) {
    super("amount_limit", message);
  }
}

/** The server refused the signed payment (a second 402); `reason` is the protocol's reason string. */
export class PaymentRejectedError extends X402Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly details?: unknown,
  ) {
    super("payment_rejected", message);
  }
}

/** The server answered with an error status (not 402). */
export class UpstreamError extends X402Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    super("upstream_error", message);
  }
}

/** The request did not complete: connection failure, timeout or abort. */
export class NetworkError extends X402Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super("network_error", message, options);
  }
}

/** The server's 402 (or its settlement header) is not valid x402. */
export class ProtocolError extends X402Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super("protocol_error", message, options);
  }
}

/** The wallet could not sign: no account, wrong chain, or the user refused. */
export class WalletError extends X402Error {
  constructor(
    message: string,
    readonly reason: "no_account" | "wrong_chain" | "user_rejected" | "signing_failed",
    options?: { cause?: unknown },
  ) {
    super("wallet_error", message, options);
  }
}

/** The response body is not in the format the request asked for (e.g. not JSON). */
export class ResponseFormatError extends X402Error {
  constructor(
    message: string,
    readonly status: number,
    readonly text: string,
  ) {
    super("response_format", message);
  }
}
