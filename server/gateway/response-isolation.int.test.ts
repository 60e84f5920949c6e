import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayNode } from "@/server/gateway/handle-request";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// Merchant content is served from the gateway's origin, which may be the console's own (the
// embedded demo: GATEWAY_URL defaults to APP_URL). Whatever the upstream answers, the browser must
// treat it as an opaque origin (CSP sandbox: no script, no same-origin access, no cookies of ours),
// never sniff it into something else, and never let it set cookies or origin-wide policies. Both
// serving paths are checked: the route handler's (fetch) and npm start's (node:http).

const database = useTestDatabase();
let h: GatewayHarness;
let node: { url: string; close: () => Promise<void> };

const ORIGIN_WIDE = [
  "set-cookie",
  "clear-site-data",
  "strict-transport-security",
  "nel",
  "report-to",
  "alt-svc",
  "service-worker-allowed",
  "access-control-allow-credentials",
];

beforeAll(async () => {
  h = await createGatewayHarness(database.db, { env: { GATEWAY_URL: "https://pay.example.com" } });
  const server = createServer((req, res) => {
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(h.runtime, req, res, { merchantId, origin: GATEWAY_ORIGIN });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  node = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterAll(async () => {
  await node?.close();
  await h?.close();
});

function nodeGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${node.url}/${h.merchant.id}${path}`, { headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

function cspOf(value: string | string[] | null | undefined): string[] {
  return (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((v) => v.split(","))
    .map((p) => p.trim());
}

describe("proxied responses are isolated from the console's origin", () => {
  it("fetch path: sandboxed, nosniff, no cookie or origin-wide header from the upstream", async () => {
    const res = await h.call("/api/html");
    expect(res.status).toBe(200);
    expect(cspOf(res.headers.get("content-security-policy"))).toContain("sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    for (const name of ORIGIN_WIDE) expect(res.headers.get(name), name).toBeNull();
    expect(res.headers.get("x-merchant")).toBe("kept");
    await res.body?.cancel();
  });

  it("node path: the same", async () => {
    const res = await nodeGet("/api/html");
    expect(res.status).toBe(200);
    expect(cspOf(res.headers["content-security-policy"])).toContain("sandbox");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    for (const name of ORIGIN_WIDE) expect(res.headers[name], name).toBeUndefined();
  });

  it("the gateway's own answers (402, errors) carry the same headers", async () => {
    for (const res of [
      await h.call("/api/signal/btc"),
      await h.call("/api/signal/btc", { headers: { accept: "text/html" } }),
      await h.call("/api/fail"),
    ]) {
      expect(cspOf(res.headers.get("content-security-policy"))).toContain("sandbox");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.body?.cancel();
    }
  });

  it("the console's session cookies never reach the upstream, on either path", async () => {
    const cookie =
      "next-auth.session-token=console-session; __Secure-next-auth.csrf-token=x; theirs=1";
    h.upstream.seen.length = 0;
    await (await h.call("/api/quiet", { headers: { cookie } })).text();
    await nodeGet("/api/quiet", { cookie });
    expect(h.upstream.seen.map((s) => s.headers.cookie)).toEqual(["theirs=1", "theirs=1"]);
  });
});

describe("GATEWAY_URL", () => {
  it("is the origin of the 402's resource URL and of the Sign-In-With-X domain", async () => {
    const res = await h.call("/api/signal/btc");
    const required = JSON.parse(
      Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString("utf8"),
    ) as { resource: { url: string } };
    expect(required.resource.url).toBe(`https://pay.example.com/${h.merchant.id}/api/signal/btc`);
  });
});
