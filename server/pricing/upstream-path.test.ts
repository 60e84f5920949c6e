import { describe, expect, it } from "vitest";

import { compilePathPattern, type CompiledPattern } from "./path-pattern";
import { checkUpstreamPathTemplate, joinUpstreamUrl, mapUpstreamPath } from "./upstream-path";

function pattern(p: string): CompiledPattern {
  const compiled = compilePathPattern(p);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled;
}

describe("mapUpstreamPath", () => {
  it("puts what each wildcard matched into the template's wildcards, in order", () => {
    expect(mapUpstreamPath("/internal/pricing/*", pattern("/v1/quote/*"), "/v1/quote/abc")).toEqual(
      { ok: true, path: "/internal/pricing/abc" },
    );
    expect(mapUpstreamPath("/p/*/q/*", pattern("/v1/*/x/*.json"), "/v1/eu/x/report.json")).toEqual({
      ok: true,
      path: "/p/eu/q/report",
    });
    expect(mapUpstreamPath("/internal/**", pattern("/v1/**"), "/v1/a/b/c")).toEqual({
      ok: true,
      path: "/internal/a/b/c",
    });
    expect(mapUpstreamPath("/internal/**", pattern("/v1/**"), "/v1")).toEqual({
      ok: true,
      path: "/internal",
    });
    expect(mapUpstreamPath("/fixed", pattern("/v1/*"), "/v1/anything")).toEqual({
      ok: true,
      path: "/fixed",
    });
    expect(mapUpstreamPath(null, pattern("/v1/*"), "/v1/same")).toEqual({
      ok: true,
      path: "/v1/same",
    });
  });

  it("keeps percent-encoded characters exactly as the buyer sent them", () => {
    expect(
      mapUpstreamPath(
        "/internal/pricing/*",
        pattern("/v1/quote/*"),
        "/v1/quote/caf%C3%A9%20au%20lait",
      ),
    ).toEqual({ ok: true, path: "/internal/pricing/caf%C3%A9%20au%20lait" });
  });

  it("refuses captures that hide encoded slashes, backslashes or dot segments", () => {
    for (const path of [
      "/v1/quote/a%2F..%2F..%2Fadmin",
      "/v1/quote/%2e%2e",
      "/v1/quote/.%2E",
      "/v1/quote/a%5c..",
      "/v1/quote/%2F",
    ]) {
      expect(mapUpstreamPath("/internal/pricing/*", pattern("/v1/quote/*"), path)).toMatchObject({
        ok: false,
        reason: "upstream_path_refused",
      });
    }
    expect(
      mapUpstreamPath("/internal/**", pattern("/v1/**"), "/v1/a/%2e%2e/%2e%2e/etc"),
    ).toMatchObject({ ok: false });
  });
});

describe("checkUpstreamPathTemplate", () => {
  it("accepts plain templates with no more wildcards than the pattern has", () => {
    expect(checkUpstreamPathTemplate("/internal/pricing/*", pattern("/v1/quote/*"))).toEqual({
      ok: true,
    });
    expect(checkUpstreamPathTemplate("/static", pattern("/v1/quote/*"))).toEqual({ ok: true });
  });

  it("refuses traversal, encoded separators, queries and extra wildcards", () => {
    const p = pattern("/v1/quote/*");
    for (const template of [
      "/internal/../admin",
      "/internal/./x",
      "/internal/%2e%2e/x",
      "/internal%2Fadmin",
      "/a\\b",
      "/x?y=1",
      "internal",
      "/a//b",
      "/a/*/*",
      "/a/b**",
    ]) {
      expect(checkUpstreamPathTemplate(template, p).ok, template).toBe(false);
    }
  });
});

describe("joinUpstreamUrl", () => {
  it("joins base, path and query, keeping the query as sent", () => {
    expect(
      joinUpstreamUrl("https://api.example.com/v2", "/quote/a%20b", "?x=1&y=a%2Bb")?.toString(),
    ).toBe("https://api.example.com/v2/quote/a%20b?x=1&y=a%2Bb");
  });

  it("refuses a result outside the base path or origin", () => {
    expect(joinUpstreamUrl("https://api.example.com/v2", "/../admin", "")).toBeNull();
    expect(joinUpstreamUrl("https://api.example.com/v2", "/%2e%2e/admin", "")).toBeNull();
    expect(joinUpstreamUrl("https://api.example.com/v2", "2/admin", "")).toBeNull();
    expect(joinUpstreamUrl("https://api.example.com", "@evil.example.com/x", "")).toBeNull();
  });
});
