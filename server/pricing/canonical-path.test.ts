import { describe, expect, it } from "vitest";

import { canonicalizePath, decodedView } from "./canonical-path";

describe("canonicalizePath", () => {
  it.each([
    ["/api/signal/btc", "/api/signal/btc"],
    ["", "/"],
    ["/", "/"],
    ["/api/%73ignal/btc", "/api/signal/btc"],
    ["/api/%73%69%67%6E%61%6C/btc", "/api/signal/btc"],
    ["/api/%73%69%67%6e%61%6c/btc", "/api/signal/btc"],
    ["/api/signal/%62tc", "/api/signal/btc"],
    ["/api//signal/btc", "/api/signal/btc"],
    ["//api///signal//btc", "/api/signal/btc"],
    ["/api/signal/btc/", "/api/signal/btc/"],
    ["/api/sig%7enal", "/api/sig~nal"],
    ["/api/a%2fb".replace("%2f", "%3f"), "/api/a%3Fb"],
    ["/api/a%25b", "/api/a%25b"],
    ["/api/a%20b", "/api/a%20b"],
    ["/api/a b", "/api/a%20b"],
    ["/api/a|b", "/api/a%7Cb"],
    ["/api/caf%C3%A9", "/api/caf%C3%A9"],
    ["/api/caf%c3%a9", "/api/caf%C3%A9"],
    // NFD (e + combining acute) and NFC are one path
    ["/api/cafe%CC%81", "/api/caf%C3%A9"],
    // node:http's latin1 view of raw UTF-8 bytes
    ["/api/caf\u00c3\u00a9", "/api/caf%C3%A9"],
    // the Kelvin sign's canonical decomposition is the letter K
    ["/api/%E2%84%AAey", "/api/Key"],
    ["/api/a%21b", "/api/a%21b"],
    ["/api/...", "/api/..."],
    ["/api/.well-known", "/api/.well-known"],
  ])("%s → %s", (raw, canonical) => {
    expect(canonicalizePath(raw)).toEqual({ ok: true, path: canonical });
  });

  it.each([
    "/api/signal%2Fbtc",
    "/api/signal%2fbtc",
    "/api%5Csignal/btc",
    "/api\\signal/btc",
    "/api/signal/btc%00",
    "/api/signal/%0abtc",
    "/api/signal/btc\u0000",
    "/api/./signal/btc",
    "/api/free/../signal/btc",
    "/api/free/%2e%2e/signal/btc",
    "/api/free/%2E./signal/btc",
    "/api/%2e/signal/btc",
    "/api/signal/..",
    "/api/signal;x=1/btc",
    "/api/signal/btc;jsessionid=1",
    "/api/signal/%zz",
    "/api/signal/%4",
    "/api/signal/%",
    "/api/%C3%28",
    "/api/%EF%BD%93ignal/btc",
    "/api/%C5%BFignal/btc",
    "/api/s%C4%B1gnal",
    "api/signal",
  ])("refuses %s", (raw) => {
    expect(canonicalizePath(raw).ok).toBe(false);
  });
});

describe("decodedView", () => {
  it("decodes sub-delimiter escapes, and only those", () => {
    expect(decodedView("/api/a%21b%2C%3D%40")).toBe("/api/a!b,=@");
    expect(decodedView("/api/a%20b%3F")).toBeNull();
    expect(decodedView("/api/plain")).toBeNull();
  });
});
