import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { MERCHANT_ID_PATTERN } from "@/server/db/ids";
import { ERROR_STATUS, toErrorBody, type ErrorCode } from "@/server/errors";

import type { GatewayDeps } from "./gateway-deps";
import { handleGatewayNode } from "./handle-request";

// The self-hosted server's front door (server/cli/start.ts): which requests the gateway serves
// straight from node:http, and the answers to requests too malformed to reach any handler. Kept
// out of start.ts so tests can put it on a real socket.

/** The merchant id when the path's first segment is one, so the request belongs to the gateway. */
export function gatewayMerchantId(url: string | undefined): string | null {
  if (!url || url.length < 25) return null;
  const end = url.indexOf("/", 1);
  const segment = url.slice(1, end === -1 ? (url.indexOf("?") === -1 ? url.length : url.indexOf("?")) : end);
  return MERCHANT_ID_PATTERN.test(segment) ? segment : null;
}

function errorJson(code: ErrorCode, message: string, headers: Record<string, string> = {}): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: ERROR_STATUS[code],
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(toErrorBody(code, message)),
  };
}

/** Writes our one error body, unless the response has begun (then the connection is all we can end). */
export function writeNodeError(res: ServerResponse, code: ErrorCode, message: string, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = errorJson(code, message, headers);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/**
 * Refuses TRACE and TRACK on every path (405). Rewrites an absolute-form target (`GET http://host/path`, which servers must accept, RFC 9112
 * §3.2.2) to its origin-form, and refuses the asterisk form (`OPTIONS *`) and the authority form
 * (`CONNECT host:443`) with a 400: neither names anything this server serves. True when answered.
 */
export function refuseUnservableTarget(req: IncomingMessage, res: ServerResponse): boolean {
  // TRACE echoes the request (cookies, payment headers) back, and Next.js answered it with a 500
  if (req.method === "TRACE" || req.method === "TRACK") {
    writeNodeError(res, "method_not_allowed", `${req.method} is not served`, { allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" });
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
  writeNodeError(res, "invalid_request", "The request target must be a path (like /mer_…/api/x); * and host:port targets are not served here", {
    connection: "close",
  });
  return true;
}

/**
 * Serves a gateway request from node:http when the path names a merchant; false hands the request
 * to the app. Anything the gateway throws past its own outcome mapping still gets the error body.
 */
export function serveGatewayNode(gateway: GatewayDeps, req: IncomingMessage, res: ServerResponse, opts: { origin: string; gatewayEnabled: boolean }): boolean {
  if (refuseUnservableTarget(req, res)) return true;
  const merchantId = opts.gatewayEnabled ? gatewayMerchantId(req.url) : null;
  if (!merchantId) {
    // the app decodes paths and answers a malformed escape with a 500; the gateway refuses its own
    if (!hasWellFormedEscapes(req.url ?? "/")) {
      writeNodeError(res, "invalid_request", "The request target has a malformed percent-escape");
      return true;
    }
    return false;
  }
  handleGatewayNode(gateway, req, res, { merchantId, origin: opts.origin }).catch(() => writeNodeError(res, "internal", "Internal error"));
  return true;
}

/** Whether the target's path decodes: every "%" starts an escape and the bytes are UTF-8. */
function hasWellFormedEscapes(target: string): boolean {
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

// node:http's answers to requests its parser refuses (bad header characters, oversized headers, a
// malformed request line) have no body; ours carry the one error body and close the connection
const CLIENT_ERRORS: Record<string, [number, string, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "invalid_request", "The request's headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "invalid_request", "The request was not received in time"],
};

/** The `clientError` handler for the server: a 4xx with the error body, never a silent drop. */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ""] ?? [400, "Bad Request", "invalid_request" as ErrorCode, "The request is malformed HTTP"];
  const body = JSON.stringify(toErrorBody(code, message));
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * The `connect` handler: node:http hands CONNECT requests (any target) to this event and, with no
 * listener, drops the connection. This server tunnels nothing: a 405 with the error body.
 */
export function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  const body = JSON.stringify(toErrorBody("method_not_allowed", "CONNECT is not served: this server is not a proxy"));
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
