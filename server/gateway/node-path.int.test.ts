import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { handleGatewayNode } from "./handle-request";

// Issue 21 (the free path's cost): on node:http the gateway relays an upstream body it does not
// touch with the upstream's Content-Length, as a plain proxy does, instead of re-chunking it. A
// body of unknown length stays chunked.

const database = useTestDatabase();
let h: GatewayHarness;
let upstream: { url: string; close: () => Promise<void> };
let gateway: { url: string; close: () => Promise<void> };

const SIZED = JSON.stringify({ symbol: "BTC", signal: "buy", note: "é, a multi-byte character" });

async function listen(server: http.Server) {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  h = await createGatewayHarness(database.db, { rules: [] });
  upstream = await listen(
    http.createServer((req, res) => {
      req.resume();
      if (req.url?.startsWith("/streamed")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first part, ");
        res.end("second part");
        return;
      }
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(SIZED),
      });
      res.end(SIZED);
    }),
  );
  await database.db.merchant.update({
    where: { id: h.merchant.id },
    data: { upstreamBaseUrl: upstream.url },
  });
  h.runtime.merchants.invalidate(h.merchant.id);
  gateway = await listen(
    http.createServer((req, res) => {
      handleGatewayNode(h.runtime, req, res, {
        merchantId: h.merchant.id,
        origin: GATEWAY_ORIGIN,
      }).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }),
  );
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await h?.close();
});

/** One GET through the node gateway, with the response's framing headers as sent. */
function get(
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${gateway.url}/${h.merchant.id}${path}`, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("the node:http free path's framing", () => {
  it("relays an untouched upstream body with the upstream's Content-Length", async () => {
    const res = await get("/sized");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(SIZED)));
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(res.body).toBe(SIZED);
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(res.headers["content-security-policy"]).toBe("sandbox");
  });

  it("keeps a body of unknown length chunked", async () => {
    const res = await get("/streamed");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBeUndefined();
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.body).toBe("first part, second part");
  });

  it("a HEAD answer carries no body", async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        `${gateway.url}/${h.merchant.id}/sized`,
        { method: "HEAD" },
        resolve,
      );
      req.on("error", reject);
      req.end();
    });
    res.resume();
    expect(res.statusCode).toBe(200);
  });
});
