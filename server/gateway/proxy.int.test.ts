import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proxyToUpstream, type ProxyRequest } from "./proxy";

// The upstream leg over kept-alive sockets: an upstream that drops an idle connection just as the
// gateway reuses it must not turn a buyer's call into a 502.

let server: http.Server;
let url: string;
const served: string[] = [];

beforeAll(async () => {
  const requestsPerSocket = new WeakMap<object, number>();
  server = http.createServer((req, res) => {
    const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
    requestsPerSocket.set(req.socket, n);
    // a second request on a kept-alive socket finds it closed, as after the upstream's idle timeout
    if (n > 1) {
      req.socket.destroy();
      return;
    }
    served.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "text/plain", connection: "keep-alive" });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function request(path: string, over: Partial<ProxyRequest> = {}): ProxyRequest {
  return {
    method: "GET",
    url: new URL(path, url),
    headers: {},
    body: null,
    declaredLength: null,
    timeoutMs: 5000,
    maxBodyBytes: 1024,
    allowPrivate: true,
    ...over,
  };
}

async function text(outcome: Awaited<ReturnType<typeof proxyToUpstream>>): Promise<string> {
  if (outcome.kind !== "response" || !outcome.body) return outcome.kind;
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

describe("proxyToUpstream", () => {
  it("sends a bodiless request again on a fresh socket when its reused socket was closed", async () => {
    expect(await text(await proxyToUpstream(request("/first")))).toBe("ok");
    const second = await proxyToUpstream(request("/second"));
    expect(second.kind).toBe("response");
    expect(await text(second)).toBe("ok");
    expect(served).toEqual(["GET /first", "GET /second"]);
  });
});
