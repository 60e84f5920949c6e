import { describe, expect, it } from "vitest";

import { checkSameOrigin } from "./same-origin";

const APP = "https://gw.example.com";
const req = (method: string, headers: Record<string, string>) => ({
  method,
  headers: new Headers(headers),
});

describe("checkSameOrigin", () => {
  it("never checks safe methods", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"])
      expect(checkSameOrigin(req(method, { "sec-fetch-site": "cross-site" }), APP)).toEqual({
        ok: true,
      });
  });

  it("follows Sec-Fetch-Site when the browser sends it: only same-origin passes", () => {
    expect(checkSameOrigin(req("POST", { "sec-fetch-site": "same-origin" }), APP)).toEqual({
      ok: true,
    });
    for (const site of ["cross-site", "same-site", "none"]) {
      expect(checkSameOrigin(req("POST", { "sec-fetch-site": site, origin: APP }), APP)).toEqual({
        ok: false,
        reason: "cross_site",
      });
    }
  });

  it("falls back to Origin, which must be APP_URL's origin exactly", () => {
    expect(checkSameOrigin(req("POST", { origin: APP }), APP)).toEqual({ ok: true });
    for (const origin of [
      "https://evil.example",
      "http://gw.example.com",
      "https://gw.example.com:8443",
      "https://sub.gw.example.com",
      "null",
    ]) {
      expect(checkSameOrigin(req("DELETE", { origin }), APP), origin).toEqual({
        ok: false,
        reason: "origin_mismatch",
      });
    }
  });

  it("refuses a mutation that names no origin at all", () => {
    expect(checkSameOrigin(req("POST", {}), APP)).toEqual({ ok: false, reason: "origin_missing" });
    expect(checkSameOrigin(req("PATCH", { referer: `${APP}/console` }), APP)).toEqual({
      ok: false,
      reason: "origin_missing",
    });
  });
});
