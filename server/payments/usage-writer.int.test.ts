import { describe, expect, inject, it } from "vitest";

import { createTestDatabase } from "@/server/db/testing";

import { createId } from "@/server/db/ids";
import { createLogger } from "@/server/observability/logger";
import { callerFor, testDeps, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword } from "@/server/users/users";

import { createUsageWriter, type AccessLogEntry } from "./usage-writer";

// The access log is written in batches of one statement. A row the database refuses (a merchant
// deleted meanwhile, a NUL byte in a path) used to take the whole batch with it: every other
// request of that quarter second vanished from usage, dashboards and alerts. Now the bad row is
// isolated, logged and dropped; the rest are stored.

const database = useTestDatabase();

function entry(merchantId: string, over: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    merchantId,
    requestId: createId("request"),
    status: "FREE",
    method: "GET",
    path: "/api/free",
    httpStatus: 200,
    latencyMs: 3,
    createdAt: new Date(),
    ...over,
  };
}

describe("the usage writer", () => {
  it("stores every good row of a batch that holds bad ones, and logs each bad one", async () => {
    const deps = testDeps(database.db);
    const owner = await signUpWithPassword(deps, {
      name: "Owner",
      email: uniqueEmail("usage"),
      password: "correct horse battery",
    });
    const merchantId = (
      await callerFor(deps, owner).merchants.create({
        name: "Usage Inc",
        upstreamBaseUrl: "https://api.example.com",
        payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      })
    ).id;
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      level: "info",
      destination: {
        write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    const writer = createUsageWriter(
      { db: database.db, log },
      { maxBatch: 1000, intervalMs: 60_000 },
    );

    const good = Array.from({ length: 9 }, (_, i) => entry(merchantId, { path: `/api/good/${i}` }));
    const unknownMerchant = entry("mer_00000000000000000000");
    const nulByte = entry(merchantId, { path: "/api/bad\u0000path" });
    for (const e of [
      ...good.slice(0, 3),
      unknownMerchant,
      ...good.slice(3, 6),
      nulByte,
      ...good.slice(6),
    ])
      writer.write(e);
    await writer.flush();

    const stored = await database.db.usageRecord.findMany({
      where: { requestId: { in: [...good, unknownMerchant, nulByte].map((e) => e.requestId) } },
      select: { requestId: true },
    });
    expect(stored.map((r) => r.requestId).sort()).toEqual(good.map((e) => e.requestId).sort());
    const dropped = lines.filter((l) => l.msg === "usage row refused");
    expect(dropped.map((l) => l.requestId).sort()).toEqual(
      [unknownMerchant.requestId, nulByte.requestId].sort(),
    );
    await writer.close();
  });

  it("stores each row's time as UTC whatever the session's time zone", async () => {
    const deps = testDeps(database.db);
    const owner = await signUpWithPassword(deps, {
      name: "Owner",
      email: uniqueEmail("usage-tz"),
      password: "correct horse battery",
    });
    const merchantId = (
      await callerFor(deps, owner).merchants.create({
        name: "Usage TZ Inc",
        upstreamBaseUrl: "https://api.example.com",
        payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      })
    ).id;
    const at = new Date(Date.UTC(2026, 11, 8, 1, 2, 3, 456));
    const written = entry(merchantId, { createdAt: at });
    // a database (or role) whose TimeZone is not UTC: the writer runs in that session
    const stored = await database.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL TIME ZONE 'America/New_York'");
      const writer = createUsageWriter(
        { db: tx as unknown as typeof database.db, log: createLogger({ level: "silent" }) },
        { maxBatch: 1000, intervalMs: 60_000 },
      );
      writer.write(written);
      await writer.flush();
      return tx.usageRecord.findFirstOrThrow({
        where: { merchantId, requestId: written.requestId },
        select: { createdAt: true },
      });
    });
    expect(stored.createdAt.toISOString()).toBe(at.toISOString());
  });

  it("does not split a batch when the database is down: one failure line, not one per row", async () => {
    const stopped = await createTestDatabase(inject("dbTemplate"));
    await stopped.close();
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      level: "info",
      destination: {
        write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    const writer = createUsageWriter(
      { db: stopped.db, log },
      { maxBatch: 1000, intervalMs: 60_000 },
    );
    for (let i = 0; i < 16; i++) writer.write(entry("mer_00000000000000000000"));
    await writer.flush();
    expect(lines.filter((l) => l.level === "error").map((l) => [l.msg, l.rows])).toEqual([
      ["usage writer batch failed", 16],
    ]);
  });
});
