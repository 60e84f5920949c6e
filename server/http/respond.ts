import { ZodError, z } from "zod";

import {
  AppError,
  detailsInEnglish,
  ERROR_STATUS,
  toErrorBody,
  type ErrorCode,
} from "@/server/errors";
import type { Log } from "@/server/observability/logger";

export const NO_STORE = { "cache-control": "no-store" } as const;

export function json(body: unknown, init?: { status?: number; headers?: HeadersInit }): Response {
  const headers = new Headers(init?.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status: init?.status ?? 200, headers });
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  opts?: { requestId?: string; details?: unknown; headers?: HeadersInit },
): Response {
  const headers = new Headers(opts?.headers);
  if (opts?.requestId) headers.set("x-request-id", opts.requestId);
  return json(toErrorBody(code, message, opts?.requestId, opts?.details), {
    status: ERROR_STATUS[code],
    headers,
  });
}

/** Maps anything thrown in a route handler to our error shape; unknown errors become a logged 500. */
export function toErrorResponse(err: unknown, ctx: { requestId: string; log: Log }): Response {
  if (err instanceof AppError)
    return errorResponse(err.code, err.message, {
      requestId: ctx.requestId,
      details: detailsInEnglish(err.details),
    });
  if (err instanceof ZodError) {
    return errorResponse("invalid_request", "The request failed validation", {
      requestId: ctx.requestId,
      details: z.flattenError(err),
    });
  }
  ctx.log.error({ err, requestId: ctx.requestId }, "unhandled error");
  return errorResponse("internal", "Internal error", { requestId: ctx.requestId });
}
