import { describe, expect, it } from "vitest";

import { clientIpFrom, isHttpsRequest } from "./client-ip";
import {
  applyForwarded,
  normalizeIp,
  parseIp,
  parseTrustedProxies,
  resolveForwarded,
  TrustedProxiesError,
} from "./forwarded";

const headersOf = (h: Record<string, string>) => (name: string) => h[name];

describe("parseIp", () => {
  it("reads IPv4, IPv6 (compressed, full, with an IPv4 tail) and refuses the rest", () => {
    expect(parseIp("192.168.1.10")).toEqual({ family: 4, groups: [0xc0a8, 0x010a] });
    expect(parseIp("::1")).toEqual({ family: 6, groups: [0, 0, 0, 0, 0, 0, 0, 1] });
    expect(parseIp("2001:db8::")?.groups).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(parseIp("2001:0db8:0000:0000:0000:0000:0000:0001")?.groups).toEqual([
      0x2001, 0xdb8, 0, 0, 0, 0, 0, 1,
    ]);
    expect(parseIp("64:ff9b::10.0.0.1")?.groups).toEqual([
      0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 0x0001,
    ]);
    for (const bad of [
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "1..2.3",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "localhost",
      "",
      "::g",
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it("normalizes IPv4-mapped IPv6 and zone ids", () => {
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp(" 10.0.0.1 ")).toBe("10.0.0.1");
  });
});

describe("parseTrustedProxies", () => {
  it("trusts nobody when unset or empty", () => {
    for (const spec of [undefined, "", " , "]) {
      const trusted = parseTrustedProxies(spec);
      expect(trusted.isEmpty).toBe(true);
      expect(trusted.has("127.0.0.1")).toBe(false);
    }
  });

  it("matches single addresses and CIDR ranges of both families", () => {
    const trusted = parseTrustedProxies(
      "10.1.2.3, 172.16.0.0/12, 2001:db8::/32, 192.0.2.128/25, fd12:3456:7800::/41",
    );
    expect(trusted.has("10.1.2.3")).toBe(true);
    expect(trusted.has("10.1.2.4")).toBe(false);
    expect(trusted.has("172.31.255.255")).toBe(true);
    expect(trusted.has("172.32.0.0")).toBe(false);
    expect(trusted.has("2001:db8:ffff::7")).toBe(true);
    expect(trusted.has("2001:db9::7")).toBe(false);
    expect(trusted.has("::ffff:10.1.2.3")).toBe(true);
    expect(trusted.has("not an ip")).toBe(false);
    // prefixes that do not end on a group boundary
    expect(trusted.has("192.0.2.200")).toBe(true);
    expect(trusted.has("192.0.2.127")).toBe(false);
    expect(trusted.has("fd12:3456:787f::1")).toBe(true);
    expect(trusted.has("fd12:3456:7880::1")).toBe(false);
  });

  it("accepts the loopback and private keywords and /0", () => {
    const loopback = parseTrustedProxies("loopback");
    expect(
      ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"].map((ip) => loopback.has(ip)),
    ).toEqual([true, true, true, true]);
    expect(loopback.has("10.0.0.1")).toBe(false);
    const priv = parseTrustedProxies("private");
    expect(["10.9.9.9", "192.168.0.2", "fd00::2", "8.8.8.8"].map((ip) => priv.has(ip))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(parseTrustedProxies("0.0.0.0/0").has("8.8.8.8")).toBe(true);
  });

  it("refuses an entry it cannot read, naming it", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(TrustedProxiesError);
    expect(() => parseTrustedProxies("10.0.0.1, proxy.internal")).toThrow(/"proxy.internal"/);
    expect(() => parseTrustedProxies("10.0.0.0/8/1")).toThrow(TrustedProxiesError);
    expect(() => parseTrustedProxies("::/129")).toThrow(/prefix/);
  });
});

describe("resolveForwarded", () => {
  const trusted = parseTrustedProxies("10.0.0.0/8");
  const spoofed = {
    "x-forwarded-for": "6.6.6.6",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.example",
  };

  it("ignores every forwarding header from an untrusted peer", () => {
    expect(resolveForwarded("203.0.113.7", headersOf(spoofed), trusted)).toEqual({
      clientIp: "203.0.113.7",
      proto: "http",
      host: null,
      viaTrustedProxy: false,
    });
    expect(
      resolveForwarded("::ffff:203.0.113.7", headersOf(spoofed), parseTrustedProxies(undefined))
        .clientIp,
    ).toBe("203.0.113.7");
  });

  it("believes a trusted proxy: the right-most untrusted hop is the client, the last proto and host count", () => {
    const info = resolveForwarded(
      "10.0.0.5",
      headersOf({
        "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.0.0.9",
        "x-forwarded-proto": "http, https",
        "x-forwarded-host": "gw.example.com",
      }),
      trusted,
    );
    expect(info).toEqual({
      clientIp: "198.51.100.4",
      proto: "https",
      host: "gw.example.com",
      viaTrustedProxy: true,
    });
  });

  it("falls back to the proxy itself when it names no client, and to the socket scheme on nonsense", () => {
    expect(
      resolveForwarded("10.0.0.5", headersOf({ "x-forwarded-proto": "gopher" }), trusted),
    ).toEqual({ clientIp: "10.0.0.5", proto: "http", host: null, viaTrustedProxy: true });
    expect(
      resolveForwarded("10.0.0.5", headersOf({ "x-forwarded-for": "garbage, 10.0.0.8" }), trusted)
        .clientIp,
    ).toBe("10.0.0.8");
    expect(resolveForwarded(undefined, headersOf(spoofed), trusted, { encrypted: true })).toEqual({
      clientIp: null,
      proto: "https",
      host: null,
      viaTrustedProxy: false,
    });
  });
});

describe("applyForwarded then the readers", () => {
  it("replaces what an untrusted client sent with the peer and the socket scheme", () => {
    const headers: Record<string, string | string[] | undefined> = {
      host: "gw.example.com",
      "x-forwarded-for": "6.6.6.6",
      "x-forwarded-proto": "https",
      "x-real-ip": "6.6.6.6",
      "x-forwarded-host": "evil",
      "x-forwarded-port": "443",
    };
    applyForwarded(
      headers,
      resolveForwarded(
        "203.0.113.7",
        (n) => headers[n] as string | undefined,
        parseTrustedProxies(""),
      ),
    );
    expect(headers).toEqual({
      host: "gw.example.com",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-proto": "http",
    });
    const read = new Headers(headers as Record<string, string>);
    expect(clientIpFrom(read)).toBe("203.0.113.7");
    expect(isHttpsRequest(read)).toBe(false);
  });

  it("keeps a trusted proxy's verdict as one value each", () => {
    const headers: Record<string, string | string[] | undefined> = {
      "x-forwarded-for": "198.51.100.4, 10.0.0.9",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
    };
    applyForwarded(
      headers,
      resolveForwarded(
        "10.0.0.5",
        (n) => headers[n] as string | undefined,
        parseTrustedProxies("10.0.0.0/8"),
      ),
    );
    expect(headers).toEqual({
      "x-forwarded-for": "198.51.100.4",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
    });
    expect(isHttpsRequest(new Headers(headers as Record<string, string>))).toBe(true);
  });
});
