import type { PrismaClient, UsageStatus } from "@/server/db";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
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
  close(): Promise<void>;
};

export function createUsageWriter(deps: { db: PrismaClient; log: Log }, opts: { maxBatch?: number; intervalMs?: number } = {}): UsageWriter {
  const maxBatch = opts.maxBatch ?? 500;
  const intervalMs = opts.intervalMs ?? 250;
  let buffer: AccessLogEntry[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const writeBatch = async (batch: AccessLogEntry[]) => {
    try {
      await deps.db.usageRecord.createMany({
        data: batch.map((e) => ({
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
          amountAtomic: e.amountAtomic === null || e.amountAtomic === undefined ? null : new Prisma.Decimal(e.amountAtomic.toString()),
          asset: e.asset ?? null,
          network: e.network ?? null,
          createdAt: e.createdAt,
        })),
      });
    } catch (err) {
      // the access log must not take the gateway down; the loss is logged with its size
      deps.log.error({ err, rows: batch.length }, "usage writer batch failed");
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
    inFlight = inFlight.then(() => writeBatch(batch));
    return inFlight;
  };

  return {
    write(entry) {
      buffer.push(entry);
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), intervalMs);
    },
    flush,
    pending: () => buffer.length,
    close: flush,
  };
}
