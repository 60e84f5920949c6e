import { describe, expect, it } from "vitest";

import { compileBlocklist, EMPTY_BLOCKLIST, findBlock, normalizeBlockValue } from "./block-values";

const now = new Date("2026-12-07T12:00:00Z");
const later = new Date("2026-12-07T13:00:00Z");
const earlier = new Date("2026-12-07T11:00:00Z");
const PAYER = "0xAbCdEf0123456789aBCDef0123456789abCDef01";

describe("normalizeBlockValue", () => {
  it("lower-cases a payer address and refuses anything else", () => {
    expect(normalizeBlockValue("PAYER", ` ${PAYER} `)).toEqual({
      ok: true,
      value: PAYER.toLowerCase(),
    });
    expect(normalizeBlockValue("PAYER", "0x1234")).toMatchObject({ ok: false });
    expect(normalizeBlockValue("PAYER", "10.0.0.1")).toMatchObject({ ok: false });
  });

  it("writes IPs in one form: IPv4-mapped IPv6 as IPv4, IPv6 uncompressed, a full-width prefix as the address", () => {
    expect(normalizeBlockValue("CLIENT_IP", "203.0.113.7")).toEqual({
      ok: true,
      value: "203.0.113.7",
    });
    expect(normalizeBlockValue("CLIENT_IP", "::ffff:203.0.113.7")).toEqual({
      ok: true,
      value: "203.0.113.7",
    });
    expect(normalizeBlockValue("CLIENT_IP", "2001:DB8::1")).toEqual({
      ok: true,
      value: "2001:db8:0:0:0:0:0:1",
    });
    expect(normalizeBlockValue("CLIENT_IP", "203.0.113.0/24")).toEqual({
      ok: true,
      value: "203.0.113.0/24",
    });
    expect(normalizeBlockValue("CLIENT_IP", "203.0.113.7/32")).toEqual({
      ok: true,
      value: "203.0.113.7",
    });
    expect(normalizeBlockValue("CLIENT_IP", "2001:db8::/48")).toEqual({
      ok: true,
      value: "2001:db8:0:0:0:0:0:0/48",
    });
  });

  it("refuses what is not an address or a sane range (a /0 would block everyone)", () => {
    for (const bad of [
      "not-an-ip",
      "300.1.1.1",
      "10.0.0.0/33",
      "10.0.0.0/0",
      "10.0.0.0/4",
      "::/8",
      "10.0.0.1/24/1",
      "10.0.0.0/x",
    ]) {
      expect(normalizeBlockValue("CLIENT_IP", bad), bad).toMatchObject({ ok: false });
    }
  });
});

describe("findBlock", () => {
  const list = compileBlocklist([
    { id: "blk_payer", kind: "PAYER", value: PAYER.toLowerCase(), expiresAt: null },
    { id: "blk_ip", kind: "CLIENT_IP", value: "198.51.100.9", expiresAt: later },
    { id: "blk_range", kind: "CLIENT_IP", value: "203.0.113.0/24", expiresAt: null },
    { id: "blk_v6", kind: "CLIENT_IP", value: "2001:db8:0:0:0:0:0:0/48", expiresAt: null },
    { id: "blk_lapsed", kind: "CLIENT_IP", value: "192.0.2.1", expiresAt: earlier },
  ]);

  it("finds nothing in an empty list or for an unblocked request", () => {
    expect(findBlock(EMPTY_BLOCKLIST, { clientIp: "198.51.100.9", payer: PAYER, now })).toBeNull();
    expect(
      findBlock(list, {
        clientIp: "198.51.100.10",
        payer: "0x0000000000000000000000000000000000000001",
        now,
      }),
    ).toBeNull();
    expect(findBlock(list, { clientIp: null, payer: null, now })).toBeNull();
  });

  it("matches a payer whatever the case it was signed with", () => {
    expect(findBlock(list, { clientIp: null, payer: PAYER, now })).toEqual({
      code: "payer_blocked",
      blockId: "blk_payer",
    });
    expect(
      findBlock(list, { clientIp: null, payer: PAYER.toUpperCase().replace("0X", "0x"), now }),
    ).toEqual({ code: "payer_blocked", blockId: "blk_payer" });
  });

  it("matches exact IPs (also IPv4-mapped), IPv4 and IPv6 ranges, and checks the client before the payer", () => {
    expect(findBlock(list, { clientIp: "198.51.100.9", payer: PAYER, now })).toEqual({
      code: "client_blocked",
      blockId: "blk_ip",
    });
    expect(findBlock(list, { clientIp: "::ffff:198.51.100.9", payer: null, now })).toEqual({
      code: "client_blocked",
      blockId: "blk_ip",
    });
    expect(findBlock(list, { clientIp: "203.0.113.200", payer: null, now })).toEqual({
      code: "client_blocked",
      blockId: "blk_range",
    });
    expect(findBlock(list, { clientIp: "203.0.114.1", payer: null, now })).toBeNull();
    expect(findBlock(list, { clientIp: "2001:db8:0:ffff::1", payer: null, now })).toEqual({
      code: "client_blocked",
      blockId: "blk_v6",
    });
    expect(findBlock(list, { clientIp: "2001:db9::1", payer: null, now })).toBeNull();
  });

  it("ignores a block once its expiry has passed, and an unreadable client IP", () => {
    expect(findBlock(list, { clientIp: "192.0.2.1", payer: null, now })).toBeNull();
    expect(findBlock(list, { clientIp: "198.51.100.9", payer: null, now: later })).toBeNull();
    expect(findBlock(list, { clientIp: "unknown", payer: null, now })).toBeNull();
  });
});
