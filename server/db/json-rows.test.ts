import { describe, expect, it } from "vitest";

import { Prisma } from "./generated/client";
import { insertJsonRowsSql, jsonArray, jsonRow } from "./json-rows";

describe("insertJsonRowsSql", () => {
  it("writes only the named columns, from one JSON parameter over the table's row type", () => {
    expect(insertJsonRowsSql("LedgerEntry", ["id", "amountAtomic"])).toBe(
      'INSERT INTO "LedgerEntry" ("id", "amountAtomic") SELECT "id", "amountAtomic" FROM json_populate_recordset(NULL::"LedgerEntry", $1::json)',
    );
  });

  it("adds ON CONFLICT DO NOTHING and RETURNING when asked, with the parameter number given", () => {
    expect(
      insertJsonRowsSql("Payment", ["id"], {
        param: 2,
        onConflictDoNothing: true,
        returning: ["id"],
      }),
    ).toBe(
      'INSERT INTO "Payment" ("id") SELECT "id" FROM json_populate_recordset(NULL::"Payment", $2::json) ON CONFLICT DO NOTHING RETURNING "id"',
    );
  });

  it("refuses anything but a plain identifier", () => {
    expect(() => insertJsonRowsSql('Payment"; DROP TABLE "x', ["id"])).toThrow(/identifier/);
    expect(() => insertJsonRowsSql("Payment", ["id", 'a" || "b'])).toThrow(/identifier/);
  });
});

describe("jsonRow", () => {
  it("writes bigints and Decimals as plain decimal strings and Dates as UTC ISO strings", () => {
    const big = 2n ** 256n - 1n;
    const row = JSON.parse(
      jsonRow({
        a: big,
        b: new Prisma.Decimal("1000000000000000000000000"),
        c: new Date(Date.UTC(2026, 11, 8, 1, 2, 3, 456)),
        d: null,
        e: ["x"],
      }),
    ) as Record<string, unknown>;
    expect(row).toEqual({
      a: big.toString(),
      b: "1000000000000000000000000",
      c: "2026-12-08T01:02:03.456Z",
      d: null,
      e: ["x"],
    });
  });

  it("joins rows into one array", () => {
    expect(JSON.parse(jsonArray([jsonRow({ a: 1 }), jsonRow({ a: 2 })]))).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
  });
});
