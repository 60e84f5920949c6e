import { describe, expect, it } from "vitest";

import {
  buildContentSecurityPolicy,
  HSTS_VALUE,
  httpsRedirectTarget,
  newNonce,
  pageSecurityConfig,
  pageSecurityHeaders,
} from "./page-security";

const LOCAL = {
  LOCAL_CHAIN_ID: 31337,
  LOCAL_CHAIN_RPC_URL: "http://127.0.0.1:8545",
  LOCAL_TOKEN_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  NETWORKS_JSON: undefined,
};

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([name = "", ...values]) => [name, values]),
  );
}

describe("pageSecurityConfig", () => {
  it("lets the browser reach every configured chain's RPC, once each, and knows an https deployment", () => {
    const config = pageSecurityConfig({
      APP_URL: "https://gw.example.com/",
      NODE_ENV: "production",
      ...LOCAL,
    });
    expect(config.appOrigin).toBe("https://gw.example.com");
    expect(config.requireHttps).toBe(true);
    expect(config.isDev).toBe(false);
    expect(config.connectSources.sort()).toEqual([
      "http://127.0.0.1:8545",
      "https://mainnet.base.org",
      "https://sepolia.base.org",
    ]);
  });

  it("adds NETWORKS_JSON's RPCs and leaves out our own origin", () => {
    const networks = JSON.stringify([
      {
        id: "eip155:10",
        name: "OP",
        rpcUrl: "https://rpc.op.example/v1/key",
        assets: [
          {
            address: LOCAL.LOCAL_TOKEN_ADDRESS,
            symbol: "USDC",
            decimals: 6,
            eip712: { name: "USDC", version: "2" },
          },
        ],
      },
      {
        id: "eip155:11",
        name: "Self",
        rpcUrl: "http://localhost:3000/rpc",
        assets: [
          {
            address: LOCAL.LOCAL_TOKEN_ADDRESS,
            symbol: "USDC",
            decimals: 6,
            eip712: { name: "USDC", version: "2" },
          },
        ],
      },
    ]);
    const config = pageSecurityConfig({
      APP_URL: "http://localhost:3000",
      NODE_ENV: "development",
      LOCAL_CHAIN_ID: 31337,
      LOCAL_CHAIN_RPC_URL: undefined,
      LOCAL_TOKEN_ADDRESS: undefined,
      NETWORKS_JSON: networks,
    });
    expect(config.requireHttps).toBe(false);
    expect(config.connectSources).toContain("https://rpc.op.example");
    expect(config.connectSources).not.toContain("http://localhost:3000");
  });
});

describe("buildContentSecurityPolicy", () => {
  const production = pageSecurityConfig({
    APP_URL: "https://gw.example.com",
    NODE_ENV: "production",
    ...LOCAL,
  });

  it("allows scripts only by this response's nonce (and what they load), never inline or eval", () => {
    const csp = directives(buildContentSecurityPolicy(production, "abc123=="));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
  });

  it("allows what the wallet pages need: injected styles, data: icons, the chains' RPCs", () => {
    const csp = directives(buildContentSecurityPolicy(production, "n"));
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get("img-src")).toEqual(expect.arrayContaining(["'self'", "data:", "blob:"]));
    expect(csp.get("connect-src")).toEqual(
      expect.arrayContaining(["'self'", "http://127.0.0.1:8545", "https://mainnet.base.org"]),
    );
    expect(csp.get("connect-src")).not.toContain("ws:");
  });

  it("adds eval and the HMR socket in development only, and never upgrades a plain-HTTP deployment", () => {
    const dev = pageSecurityConfig({
      APP_URL: "http://localhost:3000",
      NODE_ENV: "development",
      ...LOCAL,
    });
    const csp = directives(buildContentSecurityPolicy(dev, "n"));
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
    expect(csp.get("connect-src")).toEqual(expect.arrayContaining(["ws:", "wss:"]));
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });
});

describe("pageSecurityHeaders and the HTTPS redirect", () => {
  const https = pageSecurityConfig({
    APP_URL: "https://gw.example.com",
    NODE_ENV: "production",
    ...LOCAL,
  });
  const plain = pageSecurityConfig({
    APP_URL: "http://127.0.0.1:3000",
    NODE_ENV: "production",
    ...LOCAL,
  });

  it("sends HSTS (a year, subdomains) only over HTTPS on an https deployment", () => {
    const names = (h: [string, string][]) => new Map(h);
    expect(
      names(pageSecurityHeaders(https, { csp: "x", https: true })).get("Strict-Transport-Security"),
    ).toBe(HSTS_VALUE);
    expect(HSTS_VALUE).toMatch(/max-age=(\d+); includeSubDomains/);
    expect(Number(/max-age=(\d+)/.exec(HSTS_VALUE)?.[1])).toBeGreaterThanOrEqual(365 * 24 * 3600);
    expect(
      names(pageSecurityHeaders(https, { csp: "x", https: false })).has(
        "Strict-Transport-Security",
      ),
    ).toBe(false);
    expect(
      names(pageSecurityHeaders(plain, { csp: "x", https: true })).has("Strict-Transport-Security"),
    ).toBe(false);
    const always = names(pageSecurityHeaders(plain, { csp: "the-csp", https: false }));
    expect(always.get("Content-Security-Policy")).toBe("the-csp");
    expect(always.get("X-Content-Type-Options")).toBe("nosniff");
    expect(always.get("X-Frame-Options")).toBe("DENY");
    expect(always.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(always.get("Permissions-Policy")).toContain("camera=()");
  });

  it("redirects plain HTTP to APP_URL's host with path and query, and nothing else", () => {
    expect(
      httpsRedirectTarget(https, { pathname: "/console/mer_1", search: "?tab=keys" }, false),
    ).toBe("https://gw.example.com/console/mer_1?tab=keys");
    expect(httpsRedirectTarget(https, { pathname: "/console", search: "" }, true)).toBeNull();
    expect(httpsRedirectTarget(plain, { pathname: "/console", search: "" }, false)).toBeNull();
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
