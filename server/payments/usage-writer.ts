import type { PrismaClient, UsageStatus } from "@/server/db";
import { createId } from "@/server/db/ids";
import { insertJsonRowsSql, jsonArray, jsonRow } from "@/server/db/json-rows";
import type { Log } from "@/server/observability/logger";

// The access log's writer. Rows that carry no money (FREE, REJECTED, FAILED, OWNER, ENTITLED) are
// buffered and written in batches off the hot path; CHARGED rows never come through here — they are
// written in the payment's own transaction (server/payments/ledger.ts), so none can be lost in a
// buffer.

export type AccessLogEntry = {
  merchantId: string;
  ruleId?: string | null;
  paymentId?: string | null;
  entitlementId?: string | null;
  requestId: string;
  status: Exclude<UsageStatus, "CHARGED">;
  reason?: string | null;
  method: string;
  path: string;
  httpStatus: number;
  upstreamStatus?: number | null;
  latencyMs: number;
  upstreamLatencyMs?: number | null;
  clientIp?: string | null;
  payer?: string | null;
  amountAtomic?: bigint | null;
  asset?: string | null;
  network?: string | null;
  createdAt: Date;
};

export type UsageWriter = {
  write(entry: AccessLogEntry): void;
  /** Writes everything buffered; resolves when it is stored. */
  flush(): Promise<void>;
  /** Rows waiting to be written (a metric). */
  pending(): number;
  /** When the oldest waiting row was logged (null: none waiting). */
  oldestPending(): Date | null;
  close(): Promise<void>;
};

// One statement per batch, the rows as a single JSON parameter (server/db/json-rows.ts): measured
// at about twice the gateway throughput of Prisma's createMany on the same batches (the query
// compiler and per-row parameters dominated the free path's CPU), on both PostgreSQL and PGlite.
export const USAGE_COLUMNS = [
  "id",
  "merchantId",
  "ruleId",
  "paymentId",
  "entitlementId",
  "requestId",
  "status",
  "reason",
  "method",
  "path",
  "httpStatus",
  "upstreamStatus",
  "latencyMs",
  "upstreamLatencyMs",
  "clientIp",
  "payer",
  "amountAtomic",
  "asset",
  "network",
  "createdAt",
] as const;
const INSERT_USAGE_BATCH_SQL = insertJsonRowsSql("UsageRecord", USAGE_COLUMNS);

function toRow(e: AccessLogEntry) {
  return {
    id: createId("usage"),
    merchantId: e.merchantId,
    ruleId: e.ruleId ?? null,
    paymentId: e.paymentId ?? null,
    entitlementId: e.entitlementId ?? null,
    requestId: e.requestId,
    status: e.status,
    reason: e.reason ?? null,
    method: e.method,
    path: e.path.slice(0, 2048),
    httpStatus: e.httpStatus,
    upstreamStatus: e.upstreamStatus ?? null,
    latencyMs: e.latencyMs,
    upstreamLatencyMs: e.upstreamLatencyMs ?? null,
    clientIp: e.clientIp ?? null,
    payer: e.payer ?? null,
    amountAtomic:
      e.amountAtomic === null || e.amountAtomic === undefined ? null : e.amountAtomic.toString(),
    asset: e.asset ?? null,
    network: e.network ?? null,
    createdAt: e.createdAt,
  } satisfies Record<(typeof USAGE_COLUMNS)[number], unknown>;
}

/**
 * Whether the database refused the rows' data (SQLSTATE class 22, data exception, or 23, integrity
 * constraint) rather than being unreachable: only then does splitting the batch find good rows. An
 * outage must not turn one failed batch into a thousand failed statements.
 */
function isRowRefusal(err: unknown): boolean {
  const meta = (
    err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null
  )?.meta;
  const original = meta?.driverAdapterError?.cause?.originalCode;
  const sqlState =
    typeof original === "string"
      ? original
      : /Code: `([0-9A-Z]{5})`/.exec(err instanceof Error ? err.message : "")?.[1];
  return sqlState !== undefined && (sqlState.startsWith("22") || sqlState.startsWith("23"));
}

/** The driver's code and first line only: a refused row's message can quote the row's values. */
function errorSummary(err: unknown): { code?: string; message: string } {
  const code = (err as { code?: unknown } | null)?.code;
  const message =
    err instanceof Error
      ? (err.message.split("\n")[0] ?? "").slice(0, 200)
      : String(err).slice(0, 200);
  return { ...(typeof code === "string" ? { code } : {}), message };
}

/** A buffered row: its JSON (built when the call is recorded) and what a refusal is logged by. */
type PendingRow = { json: string; requestId: string; merchantId: string; status: string };

export function createUsageWriter(
  deps: { db: PrismaClient; log: Log },
  opts: { maxBatch?: number; intervalMs?: number } = {},
): UsageWriter {
  // Batches of 100: a batch's JSON stays under V8's large-object size (~128 KiB), and a row waits
  // for at most 100 calls or intervalMs. Each row is turned into its JSON as it is written, so the
  // entry object dies young; the bench measured buffered entries (and 500-row JSON strings, which
  // only a full GC frees) as most of what the free path left in the old generation, growing the
  // process's RSS by hundreds of MB between full GCs.
  const maxBatch = opts.maxBatch ?? 100;
  const intervalMs = opts.intervalMs ?? 250;
  let buffer: PendingRow[] = [];
  let oldestAt: Date | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  // A refused statement is split in halves until the refused rows stand alone: one bad row (a
  // merchant deleted meanwhile, a NUL byte the database cannot store) costs about log2(batch)
  // extra statements and itself only, never its neighbours. It is logged by its ids, not values.
  const writeBatch = async (batch: PendingRow[]): Promise<void> => {
    try {
      await deps.db.$executeRawUnsafe(
        INSERT_USAGE_BATCH_SQL,
        jsonArray(batch.map((row) => row.json)),
      );
    } catch (err) {
      if (batch.length > 1 && isRowRefusal(err)) {
        const half = Math.ceil(batch.length / 2);
        await writeBatch(batch.slice(0, half));
        await writeBatch(batch.slice(half));
        return;
      }
      // the access log must not take the gateway down
      if (batch.length > 1) {
        deps.log.error({ err: errorSummary(err), rows: batch.length }, "usage writer batch failed");
        return;
      }
      const [row] = batch;
      deps.log.error(
        {
          err: errorSummary(err),
          requestId: row?.requestId,
          merchantId: row?.merchantId,
          status: row?.status,
        },
        "usage row refused",
      );
    }
  };

  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (buffer.length === 0) return inFlight;
    const batch = buffer;
    buffer = [];
    oldestAt = null;
    inFlight = inFlight.then(() => writeBatch(batch));
    return inFlight;
  };

  return {
    write(entry) {
      buffer.push({
        json: jsonRow(toRow(entry)),
        requestId: entry.requestId,
        merchantId: entry.merchantId,
        status: entry.status,
      });
      oldestAt ??= entry.createdAt;
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), intervalMs);
    },
    flush,
    pending: () => buffer.length,
    oldestPending: () => oldestAt,
    close: flush,
  };
}
