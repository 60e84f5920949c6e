import { describe, expect, it } from "vitest";

import { compilePathPattern, matchesPath, type CompiledPattern } from "./path-pattern";

function compiled(pattern: string): CompiledPattern {
  const result = compilePathPattern(pattern);
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe("compilePathPattern", () => {
  it.each([
    ["/api/echo", "/api/echo", true],
    ["/api/echo", "/api/echo/", true],
    ["/api/echo", "/api/echoes", false],
    ["/api/signal/*", "/api/signal/btc", true],
    ["/api/signal/*", "/api/signal/btc/1h", false],
    ["/api/signal/*", "/api/signal", false],
    ["/api/**", "/api", true],
    ["/api/**", "/api/a/b/c", true],
    ["/api/**", "/apis", false],
    ["/**", "/", true],
    ["/**", "/anything/at/all", true],
    ["/v1/*.json", "/v1/prices.json", true],
    ["/v1/*.json", "/v1/prices.xml", false],
    ["/a/**/z", "/a/z", true],
    ["/a/**/z", "/a/b/c/z", true],
    ["/a.b/c", "/aXb/c", false],
  ])("%s against %s → %s", (pattern, path, expected) => {
    expect(matchesPath(compiled(pattern), path)).toBe(expected);
  });

  it("ranks literal paths above single wildcards above catch-alls", () => {
    const exact = compiled("/api/signal/btc").specificity;
    const one = compiled("/api/signal/*").specificity;
    const all = compiled("/api/**").specificity;
    const root = compiled("/**").specificity;
    expect(exact).toBeGreaterThan(one);
    expect(one).toBeGreaterThan(all);
    expect(all).toBeGreaterThan(root);
  });

  it.each([
    ["api/echo", "Start the pattern with /"],
    ["/api?x=1", "Patterns match the path only: leave out ? and #"],
    ["/api/a**", "Use ** only as a whole segment, like /api/**"],
    ["/api//x", "Remove the empty segment (//)"],
    ["/api/<script>", '"<script>" has characters that cannot appear in a URL path'],
  ])("refuses %s", (pattern, message) => {
    expect(compilePathPattern(pattern)).toEqual({ ok: false, message });
  });
});
