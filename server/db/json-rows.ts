// Rows written in one statement with the rows as a single JSON parameter, for the hot paths where
// Prisma's per-query work (query compiler, interpreter, per-row parameters) dominated the CPU of a
// call. The database turns each JSON value into its column's type with that type's own input
// function (json_populate_recordset over the table's row type), so enums, numeric(78,0), bigint,
// jsonb and text[] need no casts here.
//
// Timestamps: a JSON Date is an ISO string ending in "Z"; read as `timestamp` (Prisma's DateTime
// columns have no time zone) PostgreSQL ignores the zone designator and keeps the UTC wall clock
// whatever the session's TimeZone. Going through `timestamptz` instead would shift every row by
// the session's offset.

import { Prisma } from "./generated/client";

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

function quoted(identifier: string): string {
  // identifiers come from our own code, never from input; refusing anything else keeps it that way
  if (!IDENTIFIER.test(identifier)) throw new Error(`not a plain SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}

/**
 * `INSERT INTO "table" (columns) SELECT columns FROM json_populate_recordset(NULL::"table", $n)`:
 * only the named columns are written, so the others keep their database defaults.
 */
export function insertJsonRowsSql(
  table: string,
  columns: readonly string[],
  opts: { param?: number; onConflictDoNothing?: boolean; returning?: readonly string[] } = {},
): string {
  const list = columns.map(quoted).join(", ");
  const t = quoted(table);
  return [
    `INSERT INTO ${t} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${t}, $${opts.param ?? 1}::json)`,
    opts.onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "",
    opts.returning?.length ? ` RETURNING ${opts.returning.map(quoted).join(", ")}` : "",
  ].join("");
}

/**
 * JSON for one value of a row: bigints and Decimals as plain decimal strings (JSON has no integer
 * that large, and a Decimal's own JSON can be in exponent notation). `this[key]` is the value
 * before its toJSON ran.
 */
function jsonValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Prisma.Decimal) return raw.toFixed();
  return typeof value === "bigint" ? value.toString() : value;
}

/** One row as JSON (Dates as ISO strings, bigints and Prisma Decimals as decimal strings). */
export function jsonRow(row: Record<string, unknown>): string {
  return JSON.stringify(row, jsonValue);
}

/** Rows already turned into JSON, as the array parameter of insertJsonRowsSql. */
export function jsonArray(rows: readonly string[]): string {
  return `[${rows.join(",")}]`;
}
