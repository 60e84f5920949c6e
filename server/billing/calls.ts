import { z } from "zod";

import type { Prisma } from "@/server/db";
import type { Deps } from "@/server/deps";
import { AppError } from "@/server/errors";

import { csvCell } from "./csv";

// The merchant's call log: every gateway request from the access log (UsageRecord), newest first,
// with its outcome and failure reason. Pages are keyset-paginated on (createdAt, id) through the
// (merchantId, createdAt, id) index: the cursor carries the last row's key itself, so a page costs
// the same on row 10 and row 10 million, and rows written meanwhile (the access log is written in
// batches, so a late row may carry an older time) never shift or repeat the rows of later pages.

export const callOutcomeSchema = z.enum([
  "FREE",
  "CHARGED",
  "FAILED",
  "REJECTED",
  "OWNER",
  "ENTITLED",
  "UNPAID",
]);
export const statusClassSchema = z.enum(["2xx", "3xx", "4xx", "5xx"]);

export const callFiltersSchema = z.object({
  from: z.date().optional(),
  to: z.date().optional(),
  /** the gateway's HTTP status class */
  statusClass: statusClassSchema.optional(),
  outcome: callOutcomeSchema.optional(),
  /** a substring of the request path */
  path: z.string().trim().max(512).optional(),
  /** the paying wallet (exact address, any case) */
  payer: z.string().trim().max(64).optional(),
});
export type CallFilters = z.infer<typeof callFiltersSchema>;

export const listCallsInput = callFiltersSchema.extend({
  cursor: z.string().max(128).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const callDtoSchema = z.object({
  id: z.string(),
  createdAt: z.date(),
  method: z.string(),
  path: z.string(),
  /** the status the gateway answered with */
  httpStatus: z.number().int(),
  upstreamStatus: z.number().int().nullable(),
  latencyMs: z.number().int(),
  upstreamLatencyMs: z.number().int().nullable(),
  payer: z.string().nullable(),
  outcome: callOutcomeSchema,
  /** why the call was refused or failed (a stable reason code), null when it succeeded */
  reason: z.string().nullable(),
  paymentId: z.string().nullable(),
  /** what the call was charged, in the asset's atomic units, as a string */
  amountAtomic: z.string().nullable(),
  requestId: z.string(),
});
export type CallDto = z.infer<typeof callDtoSchema>;

export const callPageSchema = z.object({
  items: z.array(callDtoSchema),
  nextCursor: z.string().nullable(),
});

type CursorKey = { t: Date; id: string };

/** The opaque cursor of a row: its (createdAt, id) key, base64url. */
export function encodeCallCursor(key: CursorKey): string {
  return Buffer.from(`${key.t.toISOString()}|${key.id}`, "utf8").toString("base64url");
}

export function decodeCallCursor(cursor: string): CursorKey {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const t = new Date(iso ?? "");
  if (!id || Number.isNaN(t.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(iso ?? "")) {
    throw new AppError("invalid_request", "The cursor is not one this API returned", {
      details: { fieldErrors: { cursor: ["Invalid cursor"] } },
    });
  }
  return { t, id };
}

const STATUS_RANGES: Record<z.infer<typeof statusClassSchema>, [number, number]> = {
  "2xx": [200, 300],
  "3xx": [300, 400],
  "4xx": [400, 500],
  "5xx": [500, 600],
};

function where(
  merchantId: string,
  f: CallFilters,
  cursor?: CursorKey,
): Prisma.UsageRecordWhereInput {
  const and: Prisma.UsageRecordWhereInput[] = [{ merchantId }];
  if (f.from || f.to)
    and.push({ createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } });
  if (f.statusClass) {
    const [lo, hi] = STATUS_RANGES[f.statusClass];
    and.push({ httpStatus: { gte: lo, lt: hi } });
  }
  if (f.outcome) and.push({ status: f.outcome });
  if (f.path) and.push({ path: { contains: f.path } });
  // payers are stored lower-case (the gateway normalises them); compare the same way
  if (f.payer) and.push({ payer: f.payer.toLowerCase() });
  if (cursor)
    and.push({
      OR: [{ createdAt: { lt: cursor.t } }, { createdAt: cursor.t, id: { lt: cursor.id } }],
    });
  return { AND: and };
}

const select = {
  id: true,
  createdAt: true,
  method: true,
  path: true,
  httpStatus: true,
  upstreamStatus: true,
  latencyMs: true,
  upstreamLatencyMs: true,
  payer: true,
  status: true,
  reason: true,
  paymentId: true,
  amountAtomic: true,
  requestId: true,
} as const;

type Row = Prisma.UsageRecordGetPayload<{ select: typeof select }>;

function toDto(r: Row): CallDto {
  const { status, amountAtomic, ...rest } = r;
  return {
    ...rest,
    outcome: status,
    amountAtomic: amountAtomic === null ? null : amountAtomic.toFixed(),
  };
}

/** One page of the merchant's calls, newest first. */
export async function listCalls(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string } & z.input<typeof listCallsInput>,
): Promise<z.infer<typeof callPageSchema>> {
  const input = listCallsInput.parse(opts);
  const cursor = input.cursor ? decodeCallCursor(input.cursor) : undefined;
  const rows = await deps.db.usageRecord.findMany({
    where: where(opts.merchantId, input, cursor),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(toDto),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCallCursor({ t: last.createdAt, id: last.id })
        : null,
  };
}

const CSV_COLUMNS = [
  "createdAt",
  "method",
  "path",
  "httpStatus",
  "upstreamStatus",
  "latencyMs",
  "upstreamLatencyMs",
  "payer",
  "outcome",
  "reason",
  "paymentId",
  "amountAtomic",
  "requestId",
  "id",
] as const;
export const MAX_CALLS_CSV_ROWS = 100_000;
const CSV_BATCH = 2_000;

/**
 * The filtered calls as CSV, newest first, read in keyset batches (never one query holding every
 * row); at most MAX_CALLS_CSV_ROWS rows, the last line saying so when the filter matched more.
 */
export async function exportCallsCsv(
  deps: Pick<Deps, "db">,
  opts: { merchantId: string } & CallFilters,
): Promise<string> {
  const filters = callFiltersSchema.parse(opts);
  const lines: string[] = [CSV_COLUMNS.join(",")];
  let cursor: CursorKey | undefined;
  let written = 0;
  for (;;) {
    const rows = await deps.db.usageRecord.findMany({
      where: where(opts.merchantId, filters, cursor),
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(CSV_BATCH, MAX_CALLS_CSV_ROWS - written + 1),
      select,
    });
    for (const row of rows) {
      if (written === MAX_CALLS_CSV_ROWS) {
        lines.push(`# truncated at ${MAX_CALLS_CSV_ROWS} rows: narrow the time range`);
        return `${lines.join("\n")}\n`;
      }
      const dto = toDto(row);
      lines.push(CSV_COLUMNS.map((c) => csvCell(dto[c])).join(","));
      written += 1;
    }
    const last = rows.at(-1);
    if (!last || rows.length < CSV_BATCH) break;
    cursor = { t: last.createdAt, id: last.id };
  }
  return `${lines.join("\n")}\n`;
}
