import { describe, expect, it } from "vitest";

import { auditDiff } from "./diff";

describe("auditDiff", () => {
  it("lists every field of either side and marks the changed ones", () => {
    expect(
      auditDiff(
        { status: "ACTIVE", statusReason: null },
        { status: "DISABLED", statusReason: "fraud" },
      ),
    ).toEqual([
      { field: "status", before: "ACTIVE", after: "DISABLED", changed: true },
      { field: "statusReason", before: "null", after: "fraud", changed: true },
    ]);
  });

  it("shows created and removed fields with one side empty, and nested values as JSON", () => {
    expect(auditDiff(null, { name: "Standard", version: { bps: 250 } })).toEqual([
      { field: "name", before: undefined, after: "Standard", changed: true },
      { field: "version", before: undefined, after: '{"bps":250}', changed: true },
    ]);
    expect(auditDiff({ role: "ADMIN", id: "mem_1" }, { role: "ADMIN" })).toEqual([
      { field: "role", before: "ADMIN", after: "ADMIN", changed: false },
      { field: "id", before: "mem_1", after: undefined, changed: true },
    ]);
  });

  it("wraps a non-object value in a single field", () => {
    expect(auditDiff(1, 2)).toEqual([{ field: "value", before: "1", after: "2", changed: true }]);
  });
});
