import { describe, expect, it } from "vitest";

import { hasWellFormedEscapes } from "./front-door";

describe("hasWellFormedEscapes", () => {
  it("accepts paths without escapes and with escapes that decode to UTF-8", () => {
    expect(hasWellFormedEscapes("/login")).toBe(true);
    expect(hasWellFormedEscapes("/docs/%73ignal")).toBe(true);
    expect(hasWellFormedEscapes("/caf%C3%A9")).toBe(true);
  });

  it("refuses a % that starts no escape, a truncated escape and bytes that are not UTF-8", () => {
    expect(hasWellFormedEscapes("/%zz")).toBe(false);
    expect(hasWellFormedEscapes("/a%")).toBe(false);
    expect(hasWellFormedEscapes("/%E0%A4%A")).toBe(false);
    expect(hasWellFormedEscapes("/%FF")).toBe(false);
  });

  it("judges the path only: the query is the application's to parse", () => {
    expect(hasWellFormedEscapes("/login?next=%zz")).toBe(true);
    expect(hasWellFormedEscapes("/%zz?next=/login")).toBe(false);
  });
});
