import { validationTextIn } from "@/server/i18n/validation-text";

// The single table of error codes and their HTTP statuses (STYLE 2.9). Every non-402 error body
// in the product has the shape { error: { code, message, details?, requestId } }.

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  payment_required: 402,
  invalid_payment: 402,
  payment_replayed: 402,
  payment_identifier_conflict: 409,
  payment_in_progress: 409,
  merchant_not_found: 404,
  merchant_inactive: 403,
  payer_blocked: 403,
  client_blocked: 403,
  upstream_invalid: 502,
  upstream_error: 502,
  upstream_timeout: 504,
  upstream_invalid_response: 502,
  upstream_unmetered: 502,
  settlement_failed: 402,
  settlement_pending: 502,
  service_unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Human descriptions for the docs' error page; a test asserts every code has one. */
export const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  invalid_request: "The request was malformed or failed validation; `details` lists the fields.",
  unauthorized: "No valid session or API key was presented.",
  forbidden: "You are signed in but your role does not allow this action.",
  not_found: "The object does not exist or belongs to another merchant.",
  method_not_allowed:
    "The gateway does not serve this HTTP method (TRACE, TRACK and CONNECT are refused on every path).",
  conflict: "The object already exists or was changed concurrently.",
  payload_too_large: "The request body exceeds the gateway's limit.",
  rate_limited: "Too many requests; retry after the number of seconds in `Retry-After`.",
  payment_required: "This endpoint is paid; the 402 body lists the payment requirements.",
  invalid_payment:
    "The payment header was malformed or did not match the requirements; `details.reason` names the check.",
  payment_replayed: "This payment authorization was already used.",
  payment_identifier_conflict:
    "This payment identifier was already used with a different payment (or for a call whose response could not be kept); `details.paymentId` names it.",
  payment_in_progress:
    "A payment with this identifier is still being processed; retry after the seconds in `Retry-After` to get its outcome.",
  merchant_not_found: "No merchant has this id.",
  merchant_inactive: "The merchant is pending review or disabled.",
  payer_blocked:
    "The platform refuses payments from this payer address; nothing was reserved or charged.",
  client_blocked:
    "The platform refuses paid calls from this client IP; nothing was reserved or charged.",
  upstream_invalid: "The merchant's upstream URL is not allowed (SSRF rules).",
  upstream_error: "The merchant's upstream could not be reached; you were not charged.",
  upstream_timeout: "The merchant's upstream did not answer in time; you were not charged.",
  upstream_invalid_response:
    "The merchant's upstream answered with a status outside 200–599; you were not charged.",
  upstream_unmetered:
    "A metered route's upstream answered without a valid usage header and the merchant refuses such answers; you were not charged.",
  settlement_failed:
    "The payment verified but could not be settled on chain; you were not charged.",
  settlement_pending:
    "The payment was sent for settlement but its outcome is not known yet, and the call was not answered. The gateway reads the outcome from the chain: if the transfer landed it is recorded as owed back to you, otherwise the authorization is released when it expires. `details.paymentId` names the payment.",
  service_unavailable: "A dependency (database, chain RPC) is unavailable.",
  internal: "An unexpected error. It was logged with the request id.",
};

export type ErrorBody = {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
};

/** An expected failure with a message that is safe to show; internal context goes in `cause`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function toErrorBody(
  code: ErrorCode,
  message: string,
  requestId?: string,
  details?: unknown,
): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId ? { requestId } : {}),
    },
  };
}

/**
 * A validation failure of one form field. `message` is a validation message
 * (`vmsg("pricing.priceAboveZero")`, server/i18n/validation-keys.ts): the details carry it as it
 * is, so the console shows it under the field in the reader's language; the error's own message
 * (the REST API's and an English toast's) is its English text.
 */
export function fieldError(
  field: string,
  message: string,
  code: "invalid_request" | "conflict" = "invalid_request",
): AppError {
  return new AppError(code, validationTextIn("en", message), {
    details: { fieldErrors: { [field]: [message] } },
  });
}

/**
 * AppError details as the REST API and route handlers send them: field errors' validation
 * messages in English (the console gets them as they are and shows them in its language).
 */
export function detailsInEnglish(details: unknown): unknown {
  const fieldErrors = (details as { fieldErrors?: unknown } | null | undefined)?.fieldErrors;
  if (!fieldErrors || typeof fieldErrors !== "object") return details;
  const english = Object.fromEntries(
    Object.entries(fieldErrors as Record<string, unknown>).map(([field, messages]) => [
      field,
      Array.isArray(messages)
        ? messages.map((m) => (typeof m === "string" ? validationTextIn("en", m) : m))
        : messages,
    ]),
  );
  return { ...(details as object), fieldErrors: english };
}
