import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";

import type { GatewayRequest } from "./gateway-request";

/** Receives what the upstream was sent, credentials masked (the console's test call). */
export type UpstreamTrace = (sent: { url: string; headers: [string, string][] }) => void;

/** What every stage knows of the request: who asked for what, and when it started. */
export type RequestContext = {
  requestId: string;
  trace?: UpstreamTrace;
  merchantId: string;
  method: string;
  /** path after the merchant id, always starting with /; the canonical form once rules matched */
  path: string;
  search: string;
  clientIp: string | null;
  startedAt: number;
};

export function contextOf(
  req: GatewayRequest,
  merchantId: string,
  trace?: UpstreamTrace,
): RequestContext {
  const prefix = `/${merchantId}`;
  const pathname = req.rawPath ?? req.url.pathname;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  return {
    requestId: requestIdFrom(req.headers),
    merchantId,
    method: req.method,
    path: rest === "" ? "/" : rest,
    search: req.url.search,
    clientIp: clientIpFrom(req.headers) ?? req.remoteAddress,
    startedAt: performance.now(),
    trace,
  };
}

export function elapsedMs(ctx: RequestContext): number {
  return Math.round(performance.now() - ctx.startedAt);
}
