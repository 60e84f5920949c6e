import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { ERROR_STATUS, toErrorBody, type ErrorCode } from "@/server/errors";

// The checks every node:http server of ours runs before a request reaches Next.js or the gateway:
// `npm start` (server/cli/start.ts through server/gateway/node-entry.ts) and the standalone
// server.js of the Docker image (server/cli/standalone-server.ts). Next answers these requests with
// a plain-text 500 (TRACE, `OPTIONS *`, a malformed percent-escape) before middleware runs, and
// node's parser answers TRACK and malformed HTTP with a bare 400 or drops the connection (CONNECT,
// over-long headers). This module imports nothing but the error table, so the standalone
// build can bundle it without the gateway.

function errorJson(
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: ERROR_STATUS[code],
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
    body: JSON.stringify(toErrorBody(code, message)),
  };
}

/** Writes our one error body, unless the response has begun (then the connection is all we can end). */
export function writeNodeError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = errorJson(code, message, headers);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
const SERVED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/**
 * Refuses TRACE and TRACK on every path (405). Rewrites an absolute-form target (`GET http://host/path`, which servers must accept, RFC 9112
 * §3.2.2) to its origin-form, and refuses the asterisk form (`OPTIONS *`) and the authority form
 * (`CONNECT host:443`) with a 400: neither names anything this server serves. True when answered.
 */
export function refuseUnservableTarget(req: IncomingMessage, res: ServerResponse): boolean {
  // TRACE echoes the request (cookies, payment headers) back, and Next.js answered it with a 500
  if (req.method === "TRACE" || req.method === "TRACK") {
    writeNodeError(res, "method_not_allowed", `${req.method} is not served`, {
      allow: SERVED_METHODS,
    });
    return true;
  }
  const target = req.url ?? "";
  if (target.startsWith("/")) return false;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute) {
    const rest = target.slice(absolute[0].length);
    req.url = rest.startsWith("/") ? rest : `/${rest}`;
    return false;
  }
  writeNodeError(
    res,
    "invalid_request",
    "The request target must be a path (like /mer_…/api/x); * and host:port targets are not served here",
    {
      connection: "close",
    },
  );
  return true;
}

/** Whether the target's path decodes: every "%" starts an escape and the bytes are UTF-8. */
export function hasWellFormedEscapes(target: string): boolean {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!path.includes("%")) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Answers a target whose path does not decode (Next.js answers it with a 500). True when answered. */
export function refuseMalformedEscapes(req: IncomingMessage, res: ServerResponse): boolean {
  if (hasWellFormedEscapes(req.url ?? "/")) return false;
  writeNodeError(res, "invalid_request", "The request target has a malformed percent-escape");
  return true;
}

// node:http's answers to requests its parser refuses (bad header characters, oversized headers, a
// malformed request line) have no body; ours carry the one error body and close the connection
const CLIENT_ERRORS: Record<string, [number, string, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "invalid_request",
    "The request's headers are too large",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    "Request Timeout",
    "invalid_request",
    "The request was not received in time",
  ],
};

/** The `clientError` handler for the server: a 4xx with the error body, never a silent drop. */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ""] ?? [
    400,
    "Bad Request",
    "invalid_request" as ErrorCode,
    "The request is malformed HTTP",
  ];
  const body = JSON.stringify(toErrorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The `connect` handler: node:http hands CONNECT requests (any target) to this event and, with no
 * listener, drops the connection. This server tunnels nothing: a 405 with the error body.
 */
export function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  const body = JSON.stringify(
    toErrorBody("method_not_allowed", "CONNECT is not served: this server is not a proxy"),
  );
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\nallow: ${SERVED_METHODS}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
