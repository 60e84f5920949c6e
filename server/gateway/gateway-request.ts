import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

// The gateway's view of an incoming request, the same whether it arrived as a fetch Request (the
// Next.js route handler, e.g. on Vercel) or as a node:http request (the self-hosted server's fast
// path, which skips the web-stream conversions).

export type HeaderReader = {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
};

export type GatewayRequest = {
  method: string;
  url: URL;
  headers: HeaderReader;
  body: Readable | ReadableStream<Uint8Array> | null;
  /**
   * the request target's path exactly as received (node:http), before a URL parser resolved dot
   * segments or turned "\\" into "/"; the fetch path only has the parsed URL
   */
  rawPath?: string;
  /** the TCP peer, used when no proxy header names the client */
  remoteAddress: string | null;
  signal?: AbortSignal;
};

export function fromWebRequest(req: Request): GatewayRequest {
  return {
    method: req.method.toUpperCase(),
    url: new URL(req.url),
    headers: req.headers,
    body: req.body,
    remoteAddress: null,
    signal: req.signal,
  };
}

function nodeHeaders(req: IncomingMessage): HeaderReader {
  const raw = req.headers;
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
    forEach(callback) {
      for (const [name, value] of Object.entries(raw)) {
        if (value === undefined) continue;
        callback(Array.isArray(value) ? value.join(", ") : value, name);
      }
    },
  };
}

export function fromNodeRequest(req: IncomingMessage, origin: string): GatewayRequest {
  const method = (req.method ?? "GET").toUpperCase();
  return {
    method,
    url: new URL(req.url ?? "/", origin),
    rawPath: rawPathOf(req.url ?? "/"),
    headers: nodeHeaders(req),
    body: method === "GET" || method === "HEAD" ? null : req,
    remoteAddress: req.socket.remoteAddress ?? null,
  };
}

function rawPathOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}
