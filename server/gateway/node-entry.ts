import type { IncomingMessage, ServerResponse } from "node:http";

import { MERCHANT_ID_PATTERN } from "@/server/db/ids";
import {
  refuseMalformedEscapes,
  refuseUnservableTarget,
  writeNodeError,
} from "@/server/http/front-door";

import type { GatewayDeps } from "./gateway-deps";
import { handleGatewayNode } from "./handle-request";

// The self-hosted server's front door (server/cli/start.ts): which requests the gateway serves
// straight from node:http; the answers to requests too malformed to reach any handler are in
// server/http/front-door.ts, which the standalone server shares. Kept out of start.ts so tests can
// put it on a real socket.

export { answerClientError, answerConnect } from "@/server/http/front-door";

/** The merchant id when the path's first segment is one, so the request belongs to the gateway. */
export function gatewayMerchantId(url: string | undefined): string | null {
  if (!url || url.length < 25) return null;
  const end = url.indexOf("/", 1);
  const segment = url.slice(
    1,
    end === -1 ? (url.indexOf("?") === -1 ? url.length : url.indexOf("?")) : end,
  );
  return MERCHANT_ID_PATTERN.test(segment) ? segment : null;
}

/**
 * Serves a gateway request from node:http when the path names a merchant; false hands the request
 * to the app. Anything the gateway throws past its own outcome mapping still gets the error body.
 */
export function serveGatewayNode(
  gateway: GatewayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  opts: { origin: string; gatewayEnabled: boolean },
): boolean {
  if (refuseUnservableTarget(req, res)) return true;
  const merchantId = opts.gatewayEnabled ? gatewayMerchantId(req.url) : null;
  if (!merchantId) {
    // the app decodes paths and answers a malformed escape with a 500; the gateway refuses its own
    return refuseMalformedEscapes(req, res);
  }
  handleGatewayNode(gateway, req, res, { merchantId, origin: opts.origin }).catch(() =>
    writeNodeError(res, "internal", "Internal error"),
  );
  return true;
}
