import { readFileSync } from "node:fs";

import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it, vi } from "vitest";

import { committedDocumentText, sdkTypesText } from "./generate-artifacts";
import { buildOpenApiDocument } from "./openapi";

// The public API's document: valid OpenAPI 3.1, and the same as the committed copy the SDK's types
// come from. When a procedure's input, output or REST meta changes, the drift test fails until
// `npm run openapi` regenerates sdk/openapi.json and sdk/src/admin/schema.ts.

describe("the OpenAPI document", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const doc = buildOpenApiDocument({ baseUrl: "https://gateway.example.com" });
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("describes every operation with the bearer key, our error shape and an idempotency header on POSTs", () => {
    const doc = buildOpenApiDocument({ baseUrl: "https://gateway.example.com" });
    const ops = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.entries(
        item as Record<
          string,
          {
            security?: unknown;
            responses: Record<string, unknown>;
            parameters?: { name: string }[];
          }
        >,
      ),
    );
    expect(ops.length).toBeGreaterThanOrEqual(20);
    for (const [method, op] of ops) {
      expect(op.security).toEqual([{ apiKey: [] }]);
      expect(op.responses["401"]).toMatchObject({
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      });
      if (method === "post") expect(op.parameters?.map((p) => p.name)).toContain("Idempotency-Key");
    }
  });

  it("matches the committed sdk/openapi.json (run `npm run openapi` after changing a procedure)", () => {
    expect(readFileSync("sdk/openapi.json", "utf8")).toBe(committedDocumentText());
  });

  it("is the same byte for byte whatever the date (no clock-dependent default is frozen into it)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-01-31T23:59:59Z"));
      const january = committedDocumentText();
      const januaryTypes = await sdkTypesText(january);
      vi.setSystemTime(new Date("2031-07-01T00:00:01Z"));
      const july = committedDocumentText();
      expect(july).toBe(january);
      expect(await sdkTypesText(july)).toBe(januaryTypes);
    } finally {
      vi.useRealTimers();
    }
  });

  it("matches the SDK's generated types", async () => {
    const committed = readFileSync("sdk/openapi.json", "utf8");
    expect(readFileSync("sdk/src/admin/schema.ts", "utf8")).toBe(await sdkTypesText(committed));
  });
});
