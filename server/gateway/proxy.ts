import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

import { isPrivateAddressRefusal, safeLookup } from "@/server/security/safe-lookup";
import { isPrivateAddress } from "@/server/security/ssrf";

import { isNullBodyStatus, isRelayableStatus } from "./http-status";
import { isOriginWideHeader } from "./response-headers";

// The upstream leg of the gateway, on node:http(s) rather than fetch: keep-alive agents for
// throughput, a DNS `lookup` hook that applies the SSRF rules at connect time (so a name re-pointed
// at a private address after validation is still refused), and streaming both ways.

/** Request headers that are per-hop, or belong to the buyer's relationship with the gateway. */
const STRIPPED_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
  // Next.js drops Content-Encoding from a streamed route-handler response while passing the bytes
  // on, so a compressed upstream body would reach the client undecodable: ask upstreams for
  // identity and let the platform compress towards the client
  "accept-encoding",
  "x-payment",
  "payment-signature",
  "sign-in-with-x",
  "x-request-id",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

const STRIPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

/** Our platform's own credentials never reach the merchant's upstream. */
function isPlatformCredential(name: string, value: string): boolean {
  if (name === "x-api-key" && value.startsWith("x4g_")) return true;
  if (name === "authorization" && /^bearer\s+x4g_/i.test(value)) return true;
  return false;
}

function stripPlatformCookies(value: string): string | null {
  const kept = value
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && !/^(__Secure-|__Host-)?next-auth\./.test(c));
  return kept.length > 0 ? kept.join("; ") : null;
}

/** The headers the upstream sees: the buyer's minus hop-by-hop, payment and platform auth, plus ours. */
export function buildUpstreamHeaders(
  incoming: { forEach(callback: (value: string, name: string) => void): void },
  added: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  incoming.forEach((value, rawName) => {
    const name = rawName.toLowerCase();
    // x-gateway-*: only the gateway signs; a buyer's copy would at best confuse the upstream's verifier
    if (
      STRIPPED_REQUEST_HEADERS.has(name) ||
      name.startsWith("x-x402-") ||
      name.startsWith("x-gateway-") ||
      isPlatformCredential(name, value)
    )
      return;
    if (name === "cookie") {
      const kept = stripPlatformCookies(value);
      if (kept) out.cookie = kept;
      return;
    }
    out[name] = value;
  });
  for (const [name, value] of Object.entries(added)) out[name.toLowerCase()] = value;
  return out;
}

/** The headers the client sees from the upstream response, minus hop-by-hop and origin-wide ones (response-headers.ts). */
export function buildClientHeaders(
  upstream: IncomingHttpHeaders,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || STRIPPED_RESPONSE_HEADERS.has(name) || isOriginWideHeader(name))
      continue;
    out[name] = value;
  }
  return out;
}

export type ProxyOutcome =
  | {
      kind: "response";
      status: number;
      headers: Record<string, string | string[]>;
      body: Readable | null;
      upstreamLatencyMs: number;
      consume: () => void;
    }
  | { kind: "timeout"; upstreamLatencyMs: number }
  /** a final status outside 200–599, which neither a fetch Response nor the protocol can relay */
  | { kind: "invalid_response"; status: number; upstreamLatencyMs: number }
  | { kind: "blocked"; reason: "private_address" }
  | { kind: "body_too_large" }
  | { kind: "error"; message: string; upstreamLatencyMs: number };

export type ProxyRequest = {
  method: string;
  /** absolute upstream URL (base + mapped path + query) */
  url: URL;
  headers: Record<string, string>;
  body: Readable | ReadableStream<Uint8Array> | null;
  declaredLength: number | null;
  timeoutMs: number;
  maxBodyBytes: number;
  allowPrivate: boolean;
  signal?: AbortSignal;
};

class BodyTooLargeError extends Error {}

const agents = {
  http: {
    strict: new http.Agent({ keepAlive: true, maxSockets: 256, lookup: safeLookup(false) }),
    open: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  },
  https: {
    strict: new https.Agent({ keepAlive: true, maxSockets: 256, lookup: safeLookup(false) }),
    open: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  },
};

function limitBody(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(new BodyTooLargeError());
      else cb(null, chunk);
    },
  });
}

const msSince = (started: number) => Math.round(performance.now() - started);

/** The upstream's answer: relayed (its body streams on), or invalid when its status is no HTTP answer. */
function answerOf(res: IncomingMessage, method: string, started: number): ProxyOutcome {
  const status = res.statusCode ?? 0;
  if (!isRelayableStatus(status)) {
    // 1xx never get here (node reads them as informational; 101 is an upgrade we do not ask
    // for); a status of 600–999 parses but is no HTTP answer
    res.resume();
    return { kind: "invalid_response", status, upstreamLatencyMs: msSince(started) };
  }
  const noBody = method === "HEAD" || isNullBodyStatus(status);
  if (noBody) res.resume();
  return {
    kind: "response",
    status,
    headers: buildClientHeaders(res.headers),
    body: noBody ? null : res,
    upstreamLatencyMs: msSince(started),
    consume: () => res.resume(),
  };
}

/** A request that failed on its way: to a private address, with too large a body, or on the socket. */
function failureOf(err: Error, started: number): ProxyOutcome {
  if (isPrivateAddressRefusal(err)) return { kind: "blocked", reason: "private_address" };
  if (err instanceof BodyTooLargeError) return { kind: "body_too_large" };
  return {
    kind: "error",
    message: (err as NodeJS.ErrnoException).code ?? err.message,
    upstreamLatencyMs: msSince(started),
  };
}

/** Streams the buyer's body to the upstream, at most maxBodyBytes of it. */
function sendBody(
  req: ProxyRequest,
  sent: http.ClientRequest,
  body: Readable | ReadableStream<Uint8Array>,
  onTooLarge: () => void,
): void {
  const source =
    body instanceof Readable
      ? body
      : Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
  const limiter = limitBody(req.maxBodyBytes);
  limiter.on("error", (err) => {
    sent.destroy(err);
    onTooLarge();
  });
  source.on("error", (err) => sent.destroy(err));
  source.pipe(limiter).pipe(sent);
}

/** One upstream request in flight: what it sends, and how its outcome is reported (once). */
type Exchange = {
  req: ProxyRequest;
  started: number;
  isHttps: boolean;
  agent: http.Agent;
  hasBody: boolean;
  isFinished: () => boolean;
  finish: (outcome: ProxyOutcome) => void;
  /** the request made, for the timer and the client's abort to destroy */
  madeRequest: (sent: http.ClientRequest) => void;
};

/** Makes the request (once more on a fresh socket when a kept-alive one was closed under it). */
function sendExchange(x: Exchange, isRetry: boolean): void {
  const { req, started } = x;
  let sent: http.ClientRequest;
  try {
    sent = (x.isHttps ? https : http).request(req.url, {
      method: req.method,
      headers: req.headers,
      agent: x.agent,
    });
  } catch (err) {
    // Node validates header names and values in the constructor and throws (ERR_INVALID_CHAR,
    // ERR_INVALID_HTTP_TOKEN): nothing was sent, and this request fails alone
    const code = (err as NodeJS.ErrnoException).code ?? "ERR_INVALID_REQUEST";
    x.finish({
      kind: "error",
      message: `invalid_upstream_request (${code})`,
      upstreamLatencyMs: msSince(started),
    });
    return;
  }
  x.madeRequest(sent);
  sent.on("error", (err) => {
    // a kept-alive socket the upstream closed just as we reused it: nothing reached the
    // upstream, so a bodiless request is sent once more on a fresh socket (Node's documented race)
    const code = (err as NodeJS.ErrnoException).code;
    const closedUnderUs = sent.reusedSocket && (code === "ECONNRESET" || code === "EPIPE");
    if (!isRetry && !x.hasBody && closedUnderUs && !x.isFinished()) return sendExchange(x, true);
    x.finish(failureOf(err, started));
  });
  sent.on("response", (res: IncomingMessage) => x.finish(answerOf(res, req.method, started)));
  if (x.hasBody && req.body)
    sendBody(req, sent, req.body, () => x.finish({ kind: "body_too_large" }));
  else sent.end();
}

/**
 * Sends the request to the upstream and resolves once the response status and headers arrived
 * (the body streams on), so the caller can decide to settle before the body reaches the client.
 */
export function proxyToUpstream(req: ProxyRequest): Promise<ProxyOutcome> {
  if (req.declaredLength !== null && req.declaredLength > req.maxBodyBytes)
    return Promise.resolve({ kind: "body_too_large" });
  const started = performance.now();
  const isHttps = req.url.protocol === "https:";
  if (!req.allowPrivate && isPrivateAddress(req.url.hostname))
    return Promise.resolve({ kind: "blocked", reason: "private_address" });
  const agentSet = isHttps ? agents.https : agents.http;

  return new Promise<ProxyOutcome>((resolve) => {
    let finished = false;
    // undefined until a request was made: the timer and the abort may fire when none ever was
    let upstreamReq: http.ClientRequest | undefined;
    const finish = (outcome: ProxyOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      upstreamReq?.destroy(new Error("upstream timeout"));
      finish({ kind: "timeout", upstreamLatencyMs: msSince(started) });
    }, req.timeoutMs);
    const onAbort = () => upstreamReq?.destroy(new Error("client aborted"));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    const exchange: Exchange = {
      req,
      started,
      isHttps,
      agent: req.allowPrivate ? agentSet.open : agentSet.strict,
      hasBody: Boolean(req.body) && req.method !== "GET" && req.method !== "HEAD",
      isFinished: () => finished,
      finish,
      madeRequest: (sent) => (upstreamReq = sent),
    };
    try {
      sendExchange(exchange, false);
    } catch (err) {
      // anything else that throws while the request is put together fails this request, never the process
      upstreamReq?.destroy();
      finish({
        kind: "error",
        message: (err as NodeJS.ErrnoException).code ?? "invalid_upstream_request",
        upstreamLatencyMs: msSince(started),
      });
    }
  });
}
