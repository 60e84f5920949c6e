import { beforeAll, describe, expect, it } from "vitest";

import { createUsageWriter, type AccessLogEntry } from "@/server/payments/usage-writer";
import {
  callerFor,
  testDeps,
  trpcErrorCode,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { encodeCallCursor } from "./calls";

// The call log over the real access-log writer: keyset pages that neither skip nor repeat while new
// calls arrive, every filter against the same rows filtered in JS, the tenant boundary, and CSV.

const database = useTestDatabase();
let ownerA: SessionUser;
let ownerB: SessionUser;
let merchantA: string;
let merchantB: string;

const PAYERS = [
  "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  null,
] as const;
const SHAPES = [
  { status: "FREE", httpStatus: 200, reason: null },
  { status: "REJECTED", httpStatus: 402, reason: "payment_required" },
  { status: "REJECTED", httpStatus: 402, reason: "invalid_exact_evm_payload_signature" },
  { status: "FAILED", httpStatus: 502, reason: "upstream_error" },
  { status: "OWNER", httpStatus: 204, reason: null },
  { status: "REJECTED", httpStatus: 429, reason: "rate_limited" },
  { status: "FREE", httpStatus: 304, reason: null },
] as const;
const BASE = Date.UTC(2026, 10, 1, 12);

type Seeded = AccessLogEntry & { merchantId: string };
let seededA: Seeded[] = [];

function entry(merchantId: string, i: number, at: number): Seeded {
  const shape = SHAPES[i % SHAPES.length]!;
  return {
    merchantId,
    requestId: `req_calls_${merchantId.slice(-4)}_${i}`,
    status: shape.status,
    reason: shape.reason,
    method: i % 3 === 0 ? "POST" : "GET",
    path: i % 4 === 0 ? `/api/echo/${i}` : `/api/signal/${i}`,
    httpStatus: shape.httpStatus,
    upstreamStatus:
      shape.status === "FREE" || shape.status === "OWNER"
        ? shape.httpStatus
        : shape.status === "FAILED"
          ? 503
          : null,
    latencyMs: 10 + (i % 50),
    upstreamLatencyMs: shape.status === "REJECTED" ? null : 5 + (i % 40),
    clientIp: "203.0.113.7",
    payer: PAYERS[i % PAYERS.length] ?? null,
    createdAt: new Date(at),
  };
}

async function write(entries: Seeded[]) {
  const writer = createUsageWriter(
    { db: database.db, log: testDeps(database.db).log },
    { maxBatch: 10_000 },
  );
  for (const e of entries) writer.write(e);
  await writer.close();
}

/** The rows' expected order: (createdAt, id) descending, ids read back from the database. */
async function expectedIds(
  merchantId: string,
  keep: (r: {
    status: string;
    httpStatus: number;
    path: string;
    payer: string | null;
    createdAt: Date;
  }) => boolean,
) {
  const rows = await database.db.usageRecord.findMany({
    where: { merchantId },
    select: { id: true, status: true, httpStatus: true, path: true, payer: true, createdAt: true },
  });
  return rows
    .filter(keep)
    .sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .map((r) => r.id);
}

beforeAll(async () => {
  const deps = testDeps(database.db);
  ownerA = await signUpWithPassword(deps, {
    name: "A",
    email: uniqueEmail("calls-a"),
    password: "correct horse battery",
  });
  ownerB = await signUpWithPassword(deps, {
    name: "B",
    email: uniqueEmail("calls-b"),
    password: "correct horse battery",
  });
  const input = {
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  merchantA = (await callerFor(deps, ownerA).merchants.create(input)).id;
  merchantB = (await callerFor(deps, ownerB).merchants.create(input)).id;
  // groups of five calls share one millisecond: the id must break the tie, or pages would skip rows
  seededA = Array.from({ length: 230 }, (_, i) =>
    entry(merchantA, i, BASE + Math.floor(i / 5) * 1000),
  );
  await write([
    ...seededA,
    ...Array.from({ length: 40 }, (_, i) => entry(merchantB, 1000 + i, BASE + i * 1000)),
  ]);
});

describe("calls.list", () => {
  it("walks every call once, newest first, while newer and late-written older calls arrive between pages", async () => {
    const asA = callerFor(testDeps(database.db), ownerA).calls;
    const before = await expectedIds(merchantA, () => true);
    expect(before).toHaveLength(230);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let lateId: string | undefined;
    do {
      const page = await asA.list({ merchantId: merchantA, limit: 7, cursor });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      if (pages === 2) {
        // newer calls land ahead of the cursor, and a buffered call from the very start lands behind it
        await write(
          Array.from({ length: 12 }, (_, i) => entry(merchantA, 5000 + i, BASE + 10_000_000 + i)),
        );
        await write([entry(merchantA, 6000, BASE - 60_000)]);
        lateId = (
          await database.db.usageRecord.findFirstOrThrow({
            where: { merchantId: merchantA, requestId: `req_calls_${merchantA.slice(-4)}_6000` },
          })
        ).id;
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // every call that existed when the walk began, in order, plus the late one behind the cursor at the end
    expect(seen).toEqual([...before, lateId]);
  });

  it("answers with the access log's fields", async () => {
    const asA = callerFor(testDeps(database.db), ownerA).calls;
    const { items } = await asA.list({ merchantId: merchantA, outcome: "FAILED", limit: 1 });
    expect(items[0]).toMatchObject({
      method: expect.any(String),
      path: expect.stringMatching(/^\/api\//),
      httpStatus: 502,
      upstreamStatus: 503,
      outcome: "FAILED",
      reason: "upstream_error",
      amountAtomic: null,
    });
    expect(items[0]?.latencyMs).toBeGreaterThanOrEqual(10);
    expect(items[0]?.upstreamLatencyMs).toBeGreaterThanOrEqual(5);
    expect(items[0]).not.toHaveProperty("clientIp");
  });

  it("filters by status class, outcome, path, payer (any case) and time range, alone and together", async () => {
    const asA = callerFor(testDeps(database.db), ownerA).calls;
    const all = async (filters: Record<string, unknown>) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await asA.list({ merchantId: merchantA, limit: 50, cursor, ...filters });
        ids.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const from = new Date(BASE + 10_000);
    const to = new Date(BASE + 30_000);
    const cases: [Record<string, unknown>, Parameters<typeof expectedIds>[1]][] = [
      [{ statusClass: "4xx" }, (r) => r.httpStatus >= 400 && r.httpStatus < 500],
      [{ statusClass: "3xx" }, (r) => r.httpStatus >= 300 && r.httpStatus < 400],
      [{ statusClass: "2xx" }, (r) => r.httpStatus >= 200 && r.httpStatus < 300],
      [{ outcome: "REJECTED" }, (r) => r.status === "REJECTED"],
      [{ path: "/api/echo" }, (r) => r.path.includes("/api/echo")],
      [{ payer: PAYERS[1].toUpperCase().replace("0X", "0x") }, (r) => r.payer === PAYERS[1]],
      [{ from, to }, (r) => r.createdAt >= from && r.createdAt < to],
      [
        { from, to, statusClass: "4xx", payer: PAYERS[0] },
        (r) =>
          r.createdAt >= from &&
          r.createdAt < to &&
          r.httpStatus >= 400 &&
          r.httpStatus < 500 &&
          r.payer === PAYERS[0],
      ],
    ];
    for (const [filters, keep] of cases) {
      const expected = await expectedIds(merchantA, keep);
      expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
      expect(await all(filters), JSON.stringify(filters)).toEqual(expected);
    }
  });

  it("keeps each merchant to its own calls: another merchant's id is NOT_FOUND and its cursor reveals nothing", async () => {
    const asB = callerFor(testDeps(database.db), ownerB).calls;
    expect(await trpcErrorCode(asB.list({ merchantId: merchantA }))).toBe("NOT_FOUND");
    expect(await trpcErrorCode(asB.exportCsv({ merchantId: merchantA }))).toBe("NOT_FOUND");
    const own = await asB.list({ merchantId: merchantB, limit: 200 });
    expect(own.items).toHaveLength(40);
    const aRow = await database.db.usageRecord.findFirstOrThrow({
      where: { merchantId: merchantA },
      orderBy: { createdAt: "desc" },
    });
    // a cursor made from A's newest row only positions B's walk; it never brings A's rows in
    const positioned = await asB.list({
      merchantId: merchantB,
      cursor: encodeCallCursor({ t: aRow.createdAt, id: aRow.id }),
      limit: 200,
    });
    expect(positioned.items.map((c) => c.id).sort()).toEqual(own.items.map((c) => c.id).sort());
  });

  it("refuses a cursor it did not make", async () => {
    const asA = callerFor(testDeps(database.db), ownerA).calls;
    expect(await trpcErrorCode(asA.list({ merchantId: merchantA, cursor: "not-a-cursor" }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("calls.exportCsv", () => {
  it("exports the filtered calls, newest first, with spreadsheet formulas defused", async () => {
    await write([
      {
        ...entry(merchantA, 7001, BASE + 20_000_000),
        path: '/api/=HYPERLINK("x")',
        reason: "=cmd",
      },
    ]);
    const asA = callerFor(testDeps(database.db), ownerA).calls;
    const csv = await asA.exportCsv({ merchantId: merchantA, outcome: "REJECTED" });
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "createdAt,method,path,httpStatus,upstreamStatus,latencyMs,upstreamLatencyMs,payer,outcome,reason,paymentId,amountAtomic,requestId,id",
    );
    const expected = await expectedIds(merchantA, (r) => r.status === "REJECTED");
    expect(lines.slice(1).map((l) => l.split(",").at(-1))).toEqual(expected);
    expect(lines[1]).toContain(`"'=cmd"`);
    expect(lines.slice(1).every((l) => l.includes(",REJECTED,"))).toBe(true);
  });
});
