import { describe, expect, it } from "vitest";

import { Prisma, type PricingRule } from "@/server/db";

import {
  compileRules,
  matchRequest,
  methodsOverlap,
  selectRule,
  unpricedMethodsByPattern,
} from "./rules";

let n = 0;
function rule(pathPattern: string, overrides: Partial<PricingRule> = {}): PricingRule {
  n += 1;
  return {
    id: `rule_${n}`,
    merchantId: "mer_x",
    description: null,
    pathPattern,
    methods: ["ANY"],
    priceAtomic: new Prisma.Decimal(10000),
    network: "eip155:31337",
    asset: "0x0000000000000000000000000000000000000001",
    billingMode: "PER_REQUEST",
    bundleSize: null,
    passDurationSeconds: null,
    settlementPolicy: "AFTER_SUCCESS",
    upstreamPath: null,
    inputSchema: null,
    outputSchema: null,
    meteringHeader: null,
    meteringFallback: "CEILING",
    caseInsensitive: false,
    priority: 0,
    active: true,
    createdAt: new Date(2026, 0, 1, 0, 0, n),
    updatedAt: new Date(2026, 0, 1),
    ...overrides,
  };
}

describe("selectRule", () => {
  it("returns null for a path no rule covers (free)", () => {
    expect(selectRule(compileRules([rule("/api/signal/*")]), "GET", "/health")).toBeNull();
  });

  it("prefers the most specific pattern", () => {
    const rules = compileRules([
      rule("/**"),
      rule("/api/**"),
      rule("/api/signal/*"),
      rule("/api/signal/btc"),
    ]);
    expect(selectRule(rules, "GET", "/api/signal/btc")?.rule.pathPattern).toBe("/api/signal/btc");
    expect(selectRule(rules, "GET", "/api/signal/eth")?.rule.pathPattern).toBe("/api/signal/*");
    expect(selectRule(rules, "GET", "/api/other")?.rule.pathPattern).toBe("/api/**");
    expect(selectRule(rules, "GET", "/")?.rule.pathPattern).toBe("/**");
  });

  it("lets priority override specificity", () => {
    const rules = compileRules([rule("/api/signal/*"), rule("/api/**", { priority: 5 })]);
    expect(selectRule(rules, "GET", "/api/signal/btc")?.rule.pathPattern).toBe("/api/**");
  });

  it("matches methods, with HEAD priced like GET, and prefers a named method over ANY", () => {
    const rules = compileRules([
      rule("/api/echo", { methods: ["POST"], id: "post" }),
      rule("/api/echo", { methods: ["ANY"], id: "any" }),
    ]);
    expect(selectRule(rules, "POST", "/api/echo")?.rule.id).toBe("post");
    expect(selectRule(rules, "GET", "/api/echo")?.rule.id).toBe("any");
    const getOnly = compileRules([rule("/x", { methods: ["GET"] })]);
    expect(selectRule(getOnly, "HEAD", "/x")).not.toBeNull();
    expect(selectRule(getOnly, "DELETE", "/x")).toBeNull();
  });

  it("ignores inactive rules", () => {
    expect(selectRule(compileRules([rule("/**", { active: false })]), "GET", "/a")).toBeNull();
  });
});

describe("matchRequest", () => {
  it("ignores ASCII case only for a rule that asks for it", () => {
    const strict = compileRules([rule("/api/signal/*")]);
    const folded = compileRules([rule("/api/signal/*", { caseInsensitive: true })]);
    expect(matchRequest(strict, "GET", "/API/Signal/btc").match).toBeNull();
    expect(matchRequest(folded, "GET", "/API/Signal/btc").match?.rule.pathPattern).toBe(
      "/api/signal/*",
    );
  });

  it("matches a pattern written with escapes against the canonical path", () => {
    const rules = compileRules([rule("/api/%73ignal/caf%c3%a9")]);
    expect(matchRequest(rules, "GET", "/api/signal/caf%C3%A9").match).not.toBeNull();
  });

  it("prices a path whose sub-delimiter escapes decode to a priced path, and serves it decoded", () => {
    const rules = compileRules([rule("/api/a!b")]);
    expect(matchRequest(rules, "GET", "/api/a%21b")).toMatchObject({
      path: "/api/a!b",
      match: { rule: { pathPattern: "/api/a!b" } },
    });
    expect(matchRequest(rules, "GET", "/api/a%20b")).toEqual({
      match: null,
      path: "/api/a%20b",
      pricedForOtherMethods: false,
    });
  });
});

describe("rules naming several methods", () => {
  it("price each method they name, and report the methods left unpriced on the path", () => {
    const rules = compileRules([rule("/api/signal/*", { methods: ["GET", "POST"] })]);
    expect(selectRule(rules, "POST", "/api/signal/btc")).not.toBeNull();
    expect(selectRule(rules, "HEAD", "/api/signal/btc")).not.toBeNull();
    expect(matchRequest(rules, "PUT", "/api/signal/btc")).toMatchObject({
      match: null,
      pricedForOtherMethods: true,
    });
    expect(matchRequest(rules, "PUT", "/api/free/btc")).toMatchObject({
      match: null,
      pricedForOtherMethods: false,
    });
    expect(unpricedMethodsByPattern(rules).get("/api/signal/*")).toEqual([
      "PUT",
      "PATCH",
      "DELETE",
      "OPTIONS",
    ]);
    const any = compileRules([rule("/api/signal/*")]);
    expect(unpricedMethodsByPattern(any).get("/api/signal/*")).toEqual([]);
  });

  it("count a broader rule's methods as priced on a narrower pattern", () => {
    const rules = compileRules([
      rule("/api/signal/*", { methods: ["GET"] }),
      rule("/api/**", { methods: ["POST"] }),
    ]);
    expect(unpricedMethodsByPattern(rules).get("/api/signal/*")).toEqual([
      "PUT",
      "PATCH",
      "DELETE",
      "OPTIONS",
    ]);
  });

  it("overlap when they share a method or either is ANY", () => {
    expect(methodsOverlap(["GET"], ["POST"])).toBe(false);
    expect(methodsOverlap(["GET", "PUT"], ["PUT"])).toBe(true);
    expect(methodsOverlap(["ANY"], ["DELETE"])).toBe(true);
  });
});
