import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";
import { createNodeListener } from "@/server/cli/node-listener";
import { parseTrustedProxies } from "@/server/http/forwarded";

import { handleGatewayNode } from "./handle-request";

// Issue 21 (the free path's cost): on node:http the gateway relays an upstream body it does not
// touch with the upstream's Content-Length, as a plain proxy does, instead of re-chunking it. A
// body of unknown length stays chunked.

const database = useTestDatabase();
let h: GatewayHarness;
let upstream: { url: string; close: () => Promise<void> };
let gateway: { url: string; close: () => Promise<void> };
/** `npm start`'s listener as a gateway instance (no Next.js) and as an all-in-one one */
let gatewayInstance: { url: string; close: () => Promise<void> };
let allInOne: { url: string; close: () => Promise<void> };
const appCalls: string[] = [];

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
  const listenerOpts = {
    gateway: h.runtime,
    origin: GATEWAY_ORIGIN,
    trustedProxies: parseTrustedProxies(undefined),
  };
  gatewayInstance = await listen(
    http.createServer(createNodeListener({ ...listenerOpts, role: "gateway", app: null })),
  );
  allInOne = await listen(
    http.createServer(
      createNodeListener({
        ...listenerOpts,
        role: "all",
        // stands in for Next.js's request handler: which requests reach it is what is tested
        app: (req, res) => {
          appCalls.push(`${req.method} ${req.url}`);
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("app");
          return Promise.resolve();
        },
      }),
    ),
  );
});
afterAll(async () => {
  await gatewayInstance?.close();
  await allInOne?.close();
  await gateway?.close();
  await upstream?.close();
  await h?.close();
});

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request to `url`, with the response's framing headers as sent. */
function send(url: string, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method }, (res) => {
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
      .on("error", reject)
      .end();
  });
}

/** One GET through the node gateway. */
const get = (path: string) => send(`${gateway.url}/${h.merchant.id}${path}`);

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

describe("npm start's listener (server/cli/node-listener.ts)", () => {
  it("a gateway instance serves gateway calls and the probes without Next.js", async () => {
    const call = await send(`${gatewayInstance.url}/${h.merchant.id}/sized`);
    expect(call.status).toBe(200);
    expect(call.body).toBe(SIZED);
    const health = await send(`${gatewayInstance.url}/api/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    expect(health.headers["cache-control"]).toBe("no-store");
    const head = await send(`${gatewayInstance.url}/api/health?probe=1`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("a gateway instance refuses the console's routes, unknown shared ones and wrong methods with the error body", async () => {
    const consolePage = await send(`${gatewayInstance.url}/console`);
    expect(consolePage.status).toBe(404);
    expect(JSON.parse(consolePage.body)).toMatchObject({
      error: { code: "not_found", message: expect.stringContaining("INSTANCE_ROLE=gateway") },
    });
    const unknown = await send(`${gatewayInstance.url}/api/facilitator/unknown`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: "not_found" } });
    const wrongMethod = await send(`${gatewayInstance.url}/api/health`, "POST");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("GET, HEAD");
    expect(JSON.parse(wrongMethod.body)).toMatchObject({ error: { code: "method_not_allowed" } });
    const verifyByGet = await send(`${gatewayInstance.url}/api/facilitator/verify`);
    expect(verifyByGet.status).toBe(405);
    expect(verifyByGet.headers.allow).toBe("POST");
  });

  it("an all-in-one instance hands everything but the gateway and the table's routes to Next.js", async () => {
    appCalls.length = 0;
    expect((await send(`${allInOne.url}/${h.merchant.id}/sized`)).body).toBe(SIZED);
    expect((await send(`${allInOne.url}/api/health`)).status).toBe(200);
    const page = await send(`${allInOne.url}/console?tab=keys`);
    expect(page.body).toBe("app");
    expect(appCalls).toEqual(["GET /console?tab=keys"]);
  });
});
