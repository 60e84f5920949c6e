import { describe, expect, it } from "vitest";

import { safeAuthRedirect, safeRedirectPath } from "./safe-redirect";

describe("safeRedirectPath", () => {
  it.each([
    "/\\evil.com",
    "//evil.com",
    "/%5Cevil.com",
    "/%5cevil.com",
    "/%2F%2Fevil.com",
    "/%2Fevil.com",
    "/\tevil.com",
    "/\t/evil.com",
    "/ /evil.com",
    "https://evil.com/console",
    "http:evil.com",
    "javascript:alert(1)",
    "evil.com",
    "",
    "/%E0%A4%A",
  ])("refuses %j", (raw) => {
    expect(safeRedirectPath(raw)).toBe("/console");
  });

  it.each([
    ["/console", "/console"],
    ["/console/mer_abc/keys?tab=new#top", "/console/mer_abc/keys?tab=new#top"],
    ["/admin", "/admin"],
    ["/console/../admin", "/admin"],
  ])("keeps the same-origin path %j", (raw, expected) => {
    expect(safeRedirectPath(raw)).toBe(expected);
  });

  it("uses the given fallback", () => {
    expect(safeRedirectPath(null, "/admin")).toBe("/admin");
  });
});

describe("safeAuthRedirect", () => {
  const base = "https://app.example.com";
  it("keeps same-origin URLs and paths", () => {
    expect(safeAuthRedirect("/console/x", base)).toBe("https://app.example.com/console/x");
    expect(safeAuthRedirect("https://app.example.com/admin", base)).toBe(
      "https://app.example.com/admin",
    );
  });
  it("sends other origins and backslash tricks to the console", () => {
    expect(safeAuthRedirect("https://evil.com/", base)).toBe("https://app.example.com/console");
    expect(safeAuthRedirect("/\\evil.com", base)).toBe("https://app.example.com/console");
    expect(safeAuthRedirect("https://app.example.com.evil.com/", base)).toBe(
      "https://app.example.com/console",
    );
  });
});
