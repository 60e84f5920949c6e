import { describe, expect, it } from "vitest";

import {
  etagMatches,
  etagOf,
  matchOperation,
  requestFingerprint,
  toPublicErrorBody,
  unknownFields,
  unknownQueryParameters,
  type OpenApiDoc,
} from "./request-shape";

const doc: OpenApiDoc = {
  paths: {
    "/merchants/{merchantId}/rules": {
      get: {
        operationId: "rules-list",
        parameters: [
          { name: "merchantId", in: "path" },
          { name: "limit", in: "query" },
        ],
      },
      post: { operationId: "rules-create" },
    },
    "/merchants/{merchantId}/rules/{id}": { delete: { operationId: "rules-delete" } },
  },
  components: { schemas: { Tag: { type: "object", properties: { name: { type: "string" } } } } },
};

describe("matchOperation", () => {
  it("matches templates segment by segment, methods and trailing slashes", () => {
    expect(matchOperation(doc, "GET", "/merchants/mer_1/rules")?.operationId).toBe("rules-list");
    expect(matchOperation(doc, "post", "/merchants/mer_1/rules/")?.operationId).toBe(
      "rules-create",
    );
    expect(matchOperation(doc, "DELETE", "/merchants/mer_1/rules/rule_1")?.operationId).toBe(
      "rules-delete",
    );
    expect(matchOperation(doc, "PUT", "/merchants/mer_1/rules")).toBeNull();
    expect(matchOperation(doc, "GET", "/merchants/mer_1/rules/x/y")).toBeNull();
    expect(matchOperation(doc, "DELETE", "/merchants/mer_1/rules/")).toBeNull();
  });
});

describe("unknownFields", () => {
  const schema = {
    type: "object",
    properties: {
      data: {
        type: "object",
        properties: {
          price: { type: "string" },
          tags: { type: "array", items: { $ref: "#/components/schemas/Tag" } },
        },
      },
      pair: {
        type: "array",
        prefixItems: [
          { type: "string" },
          { type: "object", properties: { a: { type: "string" } } },
        ],
      },
      either: {
        anyOf: [{ type: "object", properties: { a: { type: "string" } } }, { type: "null" }],
      },
      meta: { type: "object", additionalProperties: { type: "string" } },
    },
  };
  it("names unknown keys by dotted path, through nesting, arrays, refs, unions and maps", () => {
    expect(
      unknownFields(doc, schema, {
        data: { price: "1", tags: [{ name: "a" }] },
        either: null,
        meta: { anything: "x" },
      }),
    ).toEqual([]);
    expect(
      unknownFields(doc, schema, {
        data: { prize: "1", tags: [{ name: "a", colour: "red" }] },
        pair: ["x", { b: 1 }],
        either: { z: 1 },
        extra: true,
      }),
    ).toEqual(["data.prize", "data.tags.0.colour", "pair.1.b", "either.z", "extra"]);
  });
  it("finds unknown query parameters", () => {
    const op = matchOperation(doc, "GET", "/merchants/m/rules")!.operation;
    expect(
      unknownQueryParameters(op, new URLSearchParams("limit=1&colour=red&colour=blue")),
    ).toEqual(["colour"]);
  });
});

describe("toPublicErrorBody", () => {
  it("keeps the app code, turns zod issues into dotted field errors and adds the request id", () => {
    const adapter = {
      message: "Input validation failed",
      code: "BAD_REQUEST",
      data: { appCode: "invalid_request", zodError: { data: ["x"] } },
      issues: [{ path: ["data", "price"], message: "Expected string" }],
    };
    expect(toPublicErrorBody(adapter, "req_1")).toEqual({
      error: {
        code: "invalid_request",
        message: "Input validation failed",
        details: { fieldErrors: { "data.price": ["Expected string"] } },
        requestId: "req_1",
      },
    });
  });
  it("uses the formatter's field errors for domain checks, and hides internal messages", () => {
    expect(
      toPublicErrorBody(
        {
          message: "Bad price",
          data: { appCode: "invalid_request", zodError: { price: ["Bad price"] } },
        },
        "r",
      ).error.details,
    ).toEqual({ fieldErrors: { price: ["Bad price"] } });
    expect(
      toPublicErrorBody({ message: "db exploded at 10.0.0.1", data: { appCode: "internal" } }, "r")
        .error,
    ).toEqual({ code: "internal", message: "Internal error", requestId: "r" });
    expect(toPublicErrorBody({ data: { appCode: "made_up" } }, "r").error.code).toBe("internal");
  });
});

describe("ETags and fingerprints", () => {
  it("change with the bytes and match If-None-Match lists, weak forms and *", () => {
    const tag = etagOf('{"a":1}');
    expect(tag).not.toBe(etagOf('{"a":2}'));
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(`"other", W/${tag}`, tag)).toBe(true);
    expect(etagMatches("*", tag)).toBe(true);
    expect(etagMatches('"other"', tag)).toBe(false);
    expect(etagMatches(null, tag)).toBe(false);
  });
  it("bind an idempotency key to method, path and body", () => {
    const base = requestFingerprint("POST", "/a", "{}");
    expect(requestFingerprint("post", "/a", "{}")).toBe(base);
    expect(requestFingerprint("POST", "/b", "{}")).not.toBe(base);
    expect(requestFingerprint("POST", "/a", '{"x":1}')).not.toBe(base);
  });
});
