import { describe, expect, it } from "vitest";

import { credentialsForRule, maskUpstreamRequest, signUpstreamRequest } from "./upstream-trust";
import { withQueryCredentials } from "@/server/pricing/upstream-path";

describe("credentialsForRule", () => {
  const all = [
    {
      ruleId: null,
      location: "HEADER" as const,
      name: "x-upstream-key",
      value: "merchant-wide-value-0001",
    },
    {
      ruleId: "rule_a",
      location: "HEADER" as const,
      name: "x-upstream-key",
      value: "rule-a-value-000000002",
    },
    { ruleId: null, location: "QUERY" as const, name: "api_key", value: "query value&=" },
    { ruleId: "rule_b", location: "HEADER" as const, name: "x-only-b", value: "b" },
  ];

  it("uses the matched rule's credential over the merchant-wide one of the same name", () => {
    expect(credentialsForRule(all, "rule_a").headers).toEqual({
      "x-upstream-key": "rule-a-value-000000002",
    });
    expect(credentialsForRule(all, null).headers).toEqual({
      "x-upstream-key": "merchant-wide-value-0001",
    });
    expect(credentialsForRule(all, "rule_b").headers).toEqual({
      "x-upstream-key": "merchant-wide-value-0001",
      "x-only-b": "b",
    });
    expect(credentialsForRule(all, null).query).toEqual([["api_key", "query value&="]]);
  });
});

describe("withQueryCredentials", () => {
  it("removes the buyer's parameters of the same name and keeps the rest byte for byte", () => {
    expect(
      withQueryCredentials("?q=caf%C3%A9&api_key=mine&api%5Fkey=also&x=a+b", [
        ["api_key", "s3cret&="],
      ]),
    ).toBe("?q=caf%C3%A9&x=a+b&api_key=s3cret%26%3D");
    expect(withQueryCredentials("", [["k", "v"]])).toBe("?k=v");
    expect(withQueryCredentials("?a=1", [])).toBe("?a=1");
  });
});

describe("maskUpstreamRequest", () => {
  it("masks credential values in the URL and headers, raw or encoded", () => {
    const secret = "upstream-secret-value-9876";
    const masked = maskUpstreamRequest(
      {
        url: new URL(`http://u.test/x?k=${encodeURIComponent("a b/" + secret)}&k2=${secret}`),
        headers: { "x-key": secret, other: "kept" },
      },
      [secret],
    );
    expect(JSON.stringify(masked)).not.toContain(secret);
    expect(masked.headers).toEqual([
      ["x-key", "••••9876"],
      ["other", "kept"],
    ]);
  });
});

describe("signUpstreamRequest", () => {
  it("adds one v1 per secret and a fresh nonce per request", () => {
    const base = {
      nowSeconds: 1_800_000_000,
      requestId: "req_12345678",
      method: "GET",
      url: new URL("http://u.test/a?b=1"),
      facts: { kind: "free" as const },
    };
    const one = signUpstreamRequest({ ...base, secrets: ["a", "b"] });
    const two = signUpstreamRequest({ ...base, secrets: ["a", "b"] });
    expect(one["x-gateway-signature"]).toMatch(
      /^t=1800000000,n=[0-9a-f]{32},v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/,
    );
    expect(one["x-gateway-signature"]).not.toBe(two["x-gateway-signature"]);
    expect(one["x-gateway-payment"]).toBe("eyJraW5kIjoiZnJlZSJ9");
  });
});
