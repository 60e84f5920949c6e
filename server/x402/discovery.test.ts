import { validateDiscoveryExtensionSpec } from "@x402/extensions/bazaar";
import { describe, expect, it } from "vitest";

import { discoverySchemaInput } from "@/server/pricing/schemas";

import {
  bazaarDeclaration,
  checkDeclaration,
  discoveryMethodOf,
  routeTemplateOf,
  type DiscoveryRule,
} from "./discovery";

const rule = (over: Partial<DiscoveryRule> = {}): DiscoveryRule => ({
  methods: ["ANY"],
  pathPattern: "/api/quote",
  description: "A quote",
  inputSchema: null,
  outputSchema: null,
  ...over,
});

describe("bazaar declaration of a rule", () => {
  it("declares a GET with query params and an output schema that the package's validators accept", () => {
    const ext = bazaarDeclaration(
      rule({
        inputSchema: {
          type: "object",
          properties: {
            symbol: { type: "string", examples: ["BTC"] },
            depth: { type: "integer", minimum: 1 },
          },
          required: ["symbol", "depth"],
        },
        outputSchema: { properties: { price: { type: "number" } }, required: ["price"] },
      }),
      { method: "GET", path: "/m_1/api/quote", prefix: "/m_1" },
    )!;
    expect(ext.info.input).toMatchObject({
      type: "http",
      method: "GET",
      queryParams: { symbol: "BTC", depth: 1 },
    });
    expect(ext.info.output).toEqual({ type: "json" });
    expect(ext.schema.properties.output?.properties?.example).toMatchObject({
      type: "object",
      required: ["price"],
    });
    expect(checkDeclaration(ext)).toEqual({ valid: true });
    expect(validateDiscoveryExtensionSpec(ext as never)).toEqual({ valid: true });
    expect(ext.routeTemplate).toBeUndefined();
  });

  it("declares a POST with a JSON body schema", () => {
    const ext = bazaarDeclaration(
      rule({
        methods: ["POST"],
        inputSchema: { properties: { prompt: { type: "string" } }, required: ["prompt"] },
      }),
      {
        path: "/m_1/api/quote",
        prefix: "/m_1",
      },
    )!;
    expect(ext.info.input).toMatchObject({
      type: "http",
      method: "POST",
      bodyType: "json",
      body: { prompt: "" },
    });
    expect(checkDeclaration(ext)).toEqual({ valid: true });
    expect(validateDiscoveryExtensionSpec(ext as never)).toEqual({ valid: true });
  });

  it("names a wildcard pattern as a route template with the call's path params", () => {
    const ext = bazaarDeclaration(rule({ pathPattern: "/api/signal/*" }), {
      method: "GET",
      path: "/m_1/api/signal/btc",
      prefix: "/m_1",
    })!;
    expect(ext.routeTemplate).toBe("/m_1/api/signal/:var1");
    expect(ext.info.input).toMatchObject({ method: "GET", pathParams: { var1: "btc" } });
    expect(checkDeclaration(ext)).toEqual({ valid: true });
  });

  it("describes no OPTIONS call (the convention has no such method)", () => {
    expect(
      bazaarDeclaration(rule(), { method: "OPTIONS", path: "/m_1/api/quote", prefix: "/m_1" }),
    ).toBeNull();
  });
});

describe("route templates and methods", () => {
  it("turns * and ** into :varN and refuses what the convention cannot carry", () => {
    expect(routeTemplateOf("/m_1", "/v1/*/items/**")).toBe("/m_1/v1/:var1/items/:var2");
    expect(routeTemplateOf("/gw/m_1", "/a/*.json")).toBe("/gw/m_1/a/:var1.json");
    expect(routeTemplateOf("/m_1", "/a/b;c")).toBeNull();
  });

  it("picks GET for ANY, else the rule's first method", () => {
    expect(discoveryMethodOf({ methods: ["ANY"] })).toBe("GET");
    expect(discoveryMethodOf({ methods: ["POST", "PUT"] })).toBe("POST");
    expect(discoveryMethodOf({ methods: ["ANY"] }, "patch")).toBe("PATCH");
  });
});

describe("discovery schema input", () => {
  it("accepts an object schema and refuses other types, external refs and oversize schemas", () => {
    expect(
      discoverySchemaInput.safeParse({ type: "object", properties: { a: { $ref: "#/$defs/a" } } })
        .success,
    ).toBe(true);
    expect(discoverySchemaInput.safeParse({ type: "string" }).success).toBe(false);
    expect(
      discoverySchemaInput.safeParse({ properties: { a: { $ref: "https://evil.example/schema" } } })
        .success,
    ).toBe(false);
    expect(
      discoverySchemaInput.safeParse({ properties: { a: { description: "x".repeat(9000) } } })
        .success,
    ).toBe(false);
  });
});
