import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { callerFor, merchantOwner, useTestDatabase, testDeps } from "@/server/testing/int";

// Issue 23: the access row of a call records the status the client actually received. Free and
// owner failures were recorded as 502 whatever was sent (a 504 timeout, a 413 oversized body),
// because the row was written where the failure was noticed, not from the answer.

const database = useTestDatabase();
let h: GatewayHarness;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, { merchant: { upstreamTimeoutMs: 300 } });
});
afterAll(async () => {
  await h?.close();
});

async function accessRowsFor(path: string) {
  await h.runtime.usage.flush();
  return database.db.usageRecord.findMany({
    where: { merchantId: h.merchant.id, path },
    select: { status: true, reason: true, httpStatus: true },
  });
}

describe("the access row records the status the client received", () => {
  it("a free call whose upstream times out: the client gets 504, the row says 504", async () => {
    const res = await h.call("/api/free/slow/timeout?ms=3000");
    expect(res.status).toBe(504);
    await res.text();
    expect(await accessRowsFor("/api/free/slow/timeout")).toEqual([
      { status: "FAILED", reason: "upstream_timeout", httpStatus: 504 },
    ]);
  });

  it("an owner call with an oversized body: the client gets 413, the row says 413", async () => {
    const owner = await merchantOwner(database.db, h.merchant.id);
    const { key } = await callerFor(testDeps(database.db), owner).apiKeys.create({
      merchantId: h.merchant.id,
      name: "monitor",
    });
    const oversized = Buffer.alloc(2 * 1024 * 1024, 120); // the harness caps bodies at 1 MiB
    const res = await h.call("/api/echo", {
      method: "POST",
      body: oversized,
      headers: { "x-api-key": key, "content-type": "text/plain" },
    });
    expect(res.status).toBe(413);
    await res.text();
    expect(await accessRowsFor("/api/echo")).toEqual([
      { status: "FAILED", reason: "body_too_large", httpStatus: 413 },
    ]);
  });
});
