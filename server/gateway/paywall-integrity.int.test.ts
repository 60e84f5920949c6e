import http from "node:http";
import net, { type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { answerClientError, answerConnect, serveGatewayNode } from "@/server/gateway/node-entry";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// Issue #20, probed as a buyer would: every spelling of a paid path must be priced or refused,
// never served free; the two serving paths (the fetch handler behind Next, and node:http behind
// `npm start`) must agree; and a malformed request gets a 4xx with the one error body.

const database = useTestDatabase();

type RawAnswer = { status: number; headers: Record<string, string>; body: string };

/** Sends bytes as they are (no client-side URL normalisation) and reads the whole answer. */
function rawRequest(port: number, head: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(head, "latin1"));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text
        .slice(0, split === -1 ? text.length : split)
        .split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = split === -1 ? "" : text.slice(split + 4);
      if (headers["transfer-encoding"] === "chunked") body = dechunk(body);
      resolve({ status: Number(statusLine.split(" ")[1] ?? 0), headers, body });
    });
  });
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}

const get = (target: string, method = "GET", extra = "") =>
  `${method} ${target} HTTP/1.1\r\nhost: gateway.test\r\nconnection: close\r\n${extra}\r\n`;

describe("paywall integrity", () => {
  let h: GatewayHarness;
  let server: http.Server;
  let port: number;
  let payer: PrivateKeyAccount;

  beforeAll(async () => {
    h = await createGatewayHarness(database.db, {
      rules: [
        {
          pathPattern: "/api/signal/*",
          method: "GET",
          price: "0.01",
          network: "",
          asset: "",
          caseInsensitive: true,
        },
        { pathPattern: "/api/caf%C3%A9/*", method: "GET", price: "0.01", network: "", asset: "" },
        { pathPattern: "/api/a!b", method: "GET", price: "0.01", network: "", asset: "" },
        {
          pathPattern: "/api/multi/*",
          methods: ["GET", "POST"],
          price: "0.01",
          network: "",
          asset: "",
        },
        { pathPattern: "/api/all/*", price: "0.01", network: "", asset: "" },
      ],
      merchant: { rateLimitPerMinute: 100_000 },
    });
    payer = await h.newPayer();
    // the self-hosted server's front door, on a real socket
    server = http.createServer((req, res) => {
      if (
        !serveGatewayNode(h.runtime, req, res, { origin: GATEWAY_ORIGIN, gatewayEnabled: true })
      ) {
        res.writeHead(418);
        res.end("not the gateway");
      }
    });
    server.on("clientError", answerClientError);
    server.on("connect", answerConnect);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  const m = () => `/${h.merchant.id}`;

  // every spelling of GET /api/signal/btc (and of the other paid paths) a buyer might try
  const VARIANTS = [
    "/api/signal/btc",
    "/api/%73ignal/btc",
    "/api/%53ignal/btc",
    "/api/%73%69%67%6e%61%6c/btc",
    "/api/%73%69%67%6E%61%6C/btc",
    "/%61pi/signal/btc",
    "/api/signal/%62tc",
    "/api/signal%2Fbtc",
    "/api/signal%2fbtc",
    "/api%2Fsignal%2Fbtc",
    "/api/signal%5Cbtc",
    "/api/signal%5cbtc",
    "/api\\signal\\btc",
    "/api/signal/btc%00",
    "/api/signal/%00btc",
    "/api/./signal/btc",
    "/api/signal/./btc",
    "/api/free/../signal/btc",
    "/api/free/%2e%2e/signal/btc",
    "/api/free/%2E%2E/signal/btc",
    "/api/free/.%2e/signal/btc",
    "/api/%2e/signal/btc",
    "//api/signal/btc",
    "/api//signal/btc",
    "/api/signal//btc",
    "/api/signal;x=1/btc",
    "/api;/signal/btc",
    "/api/signal/btc;jsessionid=1",
    "/api/signal/btc/",
    "/API/signal/btc",
    "/api/SIGNAL/btc",
    "/Api/Signal/BTC",
    "/api/%C5%BFignal/btc",
    "/api/%EF%BD%93ignal/btc",
    "/api/s%C4%B1gnal/btc",
    "/api/caf%C3%A9/x",
    "/api/caf%c3%a9/x",
    "/api/cafe%CC%81/x",
    "/api/a!b",
    "/api/a%21b",
  ];

  it.each(VARIANTS)(
    "GET %s in-process (the route handler's path) is priced or refused, never served free",
    async (variant) => {
      const seen = h.upstream.seen.length;
      const res = await h.call(variant);
      const body = await res.text();
      expect([402, 400], body).toContain(res.status);
      expect(h.upstream.seen.length).toBe(seen);
    },
  );

  it.each(VARIANTS)(
    "GET %s over node:http (the raw request target) is priced or refused, never served free",
    async (variant) => {
      const seen = h.upstream.seen.length;
      const res = await rawRequest(port, get(`${m()}${variant}`));
      expect([402, 400], res.body).toContain(res.status);
      expect(res.headers["content-type"]).toMatch(/json/);
      if (res.status === 400)
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: "invalid_request" } });
      expect(h.upstream.seen.length).toBe(seen);
    },
  );

  it("forwards the canonical form: the upstream is sent exactly the path that was priced", async () => {
    const res = await rawRequest(port, get(`${m()}/api/free//%62tc%7e?q=%73`));
    expect(res.status).toBe(200);
    expect(h.upstream.seen.at(-1)?.url).toBe("/api/free/btc~?q=%73");
    const challenge = await h.call("/api/%73ignal/btc");
    expect(challenge.status).toBe(402);
    expect((await challenge.json()).accepts[0].resource).toBe(h.url("/api/signal/btc"));
  });

  it("serves a paid variant as the canonical path it was priced as", async () => {
    const requirements = await h.requirementsFor("/api/%73ignal/eth");
    const { header } = await h.signPayment(payer, requirements);
    const res = await h.call("/api/%73ignal/eth", { headers: { "payment-signature": header } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      path: "/api/signal/eth",
      paidBy: payer.address.toLowerCase(),
    });
  });

  describe("exact means exact", () => {
    it("refuses an authorization for twice the price with the official reason, before any settlement", async () => {
      const requirements = await h.requirementsFor("/api/signal/sol");
      const { header, nonce } = await h.signPayment(payer, requirements, {
        value: String(BigInt(requirements.amount) * 2n),
      });
      const [payerBefore, merchantBefore] = [
        await h.balanceOf(payer.address),
        await h.balanceOf(h.merchantWallet),
      ];
      const seen = h.upstream.seen.length;
      const res = await h.call("/api/signal/sol", { headers: { "payment-signature": header } });
      expect(res.status).toBe(402);
      expect(await res.json()).toMatchObject({
        x402Version: 2,
        error: "invalid_exact_evm_payload_authorization_value_mismatch",
      });
      expect(h.upstream.seen.length).toBe(seen);
      expect(await h.balanceOf(payer.address)).toBe(payerBefore);
      expect(await h.balanceOf(h.merchantWallet)).toBe(merchantBefore);
      // refused before anything was reserved: no payment row, no ledger entry
      expect(
        await database.db.payment.count({ where: { authorizationNonce: nonce.toLowerCase() } }),
      ).toBe(0);
      expect(
        await database.db.ledgerEntry.count({
          where: {
            merchantId: h.merchant.id,
            payment: { authorizationNonce: nonce.toLowerCase() },
          },
        }),
      ).toBe(0);
    });
  });

  describe("malformed requests get a 4xx with the one error body", () => {
    const errorBody = (res: RawAnswer) => {
      expect(res.status, res.body).toBeGreaterThanOrEqual(400);
      expect(res.status, res.body).toBeLessThan(500);
      expect(res.headers["content-type"]).toMatch(/application\/json/);
      expect(JSON.parse(res.body)).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    };

    it.each(["TRACE", "CONNECT"])("%s on a gateway path, paid or free", async (method) => {
      for (const path of ["/api/signal/btc", "/api/free/x"]) {
        const res = await rawRequest(port, get(`${m()}${path}`, method));
        errorBody(res);
        expect(res.status).toBe(405);
        expect(res.headers.allow).toContain("GET");
      }
    });

    it("TRACE on any other path of the server is refused by the front door, before the app (which answered 500)", async () => {
      for (const target of ["/", "/console", "/api/health"]) {
        const res = await rawRequest(port, get(target, "TRACE"));
        errorBody(res);
        expect(res.status).toBe(405);
      }
    });

    it("a malformed percent-escape on any other path is refused by the front door (the app answered 500)", async () => {
      for (const target of [
        "/%",
        "/%zz",
        "/api/trpc/%",
        "/docs/%E0%A4%A",
        "/api/health/%c0%ae%c0%ae/",
        "/api/v1/%?x=1",
      ]) {
        const res = await rawRequest(port, get(target));
        errorBody(res);
        expect(res.status, target).toBe(400);
      }
      // well-formed escapes pass on to the app
      expect((await rawRequest(port, get("/docs/%C3%A9"))).status).toBe(418);
    });

    it("TRACK (unknown to the HTTP parser)", async () => {
      errorBody(await rawRequest(port, get(`${m()}/api/signal/btc`, "TRACK")));
    });

    it("an asterisk-form target (OPTIONS *)", async () => {
      const res = await rawRequest(
        port,
        "OPTIONS * HTTP/1.1\r\nhost: gateway.test\r\nconnection: close\r\n\r\n",
      );
      errorBody(res);
      expect(res.status).toBe(400);
    });

    it("an authority-form target (CONNECT host:port)", async () => {
      errorBody(
        await rawRequest(
          port,
          "CONNECT gateway.test:443 HTTP/1.1\r\nhost: gateway.test:443\r\n\r\n",
        ),
      );
    });

    it.each([
      ["an unknown method", "BREW /x HTTP/1.1\r\nhost: gateway.test\r\nconnection: close\r\n\r\n"],
      ["a control character in a header", (t: string) => get(t, "GET", "x-bad: a\u0001b\r\n")],
      ["a header without a colon", (t: string) => get(t, "GET", "not a header\r\n")],
      ["a non-numeric content-length", (t: string) => get(t, "POST", "content-length: abc\r\n")],
      [
        "both content-length and transfer-encoding",
        (t: string) => get(t, "POST", "content-length: 3\r\ntransfer-encoding: chunked\r\n"),
      ],
      ["a space in the target", (t: string) => `GET ${t} x HTTP/1.1\r\nhost: gateway.test\r\n\r\n`],
      ["oversized headers", (t: string) => get(t, "GET", `x-big: ${"a".repeat(20_000)}\r\n`)],
      ["a broken request line", "GARBAGE\r\n\r\n"],
    ])("%s", async (_label, build) => {
      errorBody(
        await rawRequest(port, typeof build === "string" ? build : build(`${m()}/api/signal/btc`)),
      );
    });

    it("an absolute-form target is served as its path", async () => {
      const res = await rawRequest(port, get(`http://gateway.test${m()}/api/signal/btc`));
      expect(res.status).toBe(402);
    });

    it("a malformed payment header, cookie or forwarding header on a paid path is a 402 or 4xx", async () => {
      for (const header of [
        "payment-signature: %%%",
        "x-payment: e30=",
        "cookie: ;;;=;",
        "x-forwarded-for: not an ip, ::zz",
        "accept: \u00ff\u00fe",
        "content-type: ;;",
      ]) {
        const res = await rawRequest(port, get(`${m()}/api/signal/btc`, "GET", `${header}\r\n`));
        expect(res.status, header).toBeGreaterThanOrEqual(400);
        expect(res.status, header).toBeLessThan(500);
      }
    });
  });

  describe("methods", () => {
    const OTHERS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    async function setUnmatched(value: "PROXY_FREE" | "REFUSE") {
      await database.db.merchant.update({
        where: { id: h.merchant.id },
        data: { unmatchedMethods: value },
      });
      h.runtime.merchants.invalidate(h.merchant.id);
    }

    it("a new merchant refuses (404) the methods no rule prices on a priced path, on both serving paths", async () => {
      const seen = h.upstream.seen.length;
      for (const method of OTHERS) {
        const res = await h.call("/api/signal/btc", {
          method,
          body: method === "OPTIONS" ? undefined : "{}",
        });
        expect(res.status, method).toBe(404);
        expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
        const raw = await rawRequest(
          port,
          get(`${m()}/api/%73ignal/btc`, method, "content-length: 0\r\n"),
        );
        expect(raw.status, method).toBe(404);
      }
      expect(h.upstream.seen.length).toBe(seen);
      // HEAD is priced like GET
      expect((await h.call("/api/signal/btc", { method: "HEAD" })).status).toBe(402);
    });

    it("a rule naming several methods prices each, and ANY prices every method", async () => {
      for (const method of ["GET", "HEAD", "POST"])
        expect((await h.call("/api/multi/x", { method })).status, method).toBe(402);
      expect((await h.call("/api/multi/x", { method: "DELETE" })).status).toBe(404);
      for (const method of ["GET", ...OTHERS])
        expect(
          (
            await h.call("/api/all/x", {
              method,
              body: method === "GET" || method === "OPTIONS" ? undefined : "{}",
            })
          ).status,
          method,
        ).toBe(402);
    });

    it("serves unpriced methods free only when the merchant chose to", async () => {
      await setUnmatched("PROXY_FREE");
      try {
        const res = await h.call("/api/signal/btc", { method: "DELETE" });
        expect(res.status).toBe(200);
        await res.text();
      } finally {
        await setUnmatched("REFUSE");
      }
    });
  });
});
