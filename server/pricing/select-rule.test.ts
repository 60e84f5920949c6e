import { describe, expect, it } from "vitest";

import { Prisma, type PricingRule } from "@/server/db";

import { compileRules, selectRule } from "./rules";

let n = 0;
function rule(pathPattern: string, overrides: Partial<PricingRule> = {}): PricingRule {
  n += 1;
  return {
    id: `rule_${n}`,
    merchantId: "mer_x",
    description: null,
    pathPattern,
    method: "ANY",
    priceAtomic: new Prisma.Decimal(10000),
    network: "eip155:31337",
    asset: "0x0000000000000000000000000000000000000001",
    billingMode: "PER_REQUEST",
    bundleSize: null,
    passDurationSeconds: null,
    settlementPolicy: "AFTER_SUCCESS",
    upstreamPath: null,
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
    const rules = compileRules([rule("/**"), rule("/api/**"), rule("/api/signal/*"), rule("/api/signal/btc")]);
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
    const rules = compileRules([rule("/api/echo", { method: "POST", id: "post" }), rule("/api/echo", { method: "ANY", id: "any" })]);
    expect(selectRule(rules, "POST", "/api/echo")?.rule.id).toBe("post");
    expect(selectRule(rules, "GET", "/api/echo")?.rule.id).toBe("any");
    const getOnly = compileRules([rule("/x", { method: "GET" })]);
    expect(selectRule(getOnly, "HEAD", "/x")).not.toBeNull();
    expect(selectRule(getOnly, "DELETE", "/x")).toBeNull();
  });

  it("ignores inactive rules", () => {
    expect(selectRule(compileRules([rule("/**", { active: false })]), "GET", "/a")).toBeNull();
  });
});
