import { describe, expect, it } from "vitest";

import { createLogger } from "@/server/observability/logger";
import { useTestDatabase } from "@/server/testing/int";

import { serveCronJobs } from "./cron-endpoint";
import { createJobScheduler } from "./scheduler";

const t = useTestDatabase();
const log = createLogger({ level: "silent" });
const SECRET = "cron-secret-0123456789abcdef";

describe("GET /api/cron/jobs", () => {
  it("refuses a caller without the secret and runs the due jobs once for the one that has it", async () => {
    const ran: string[] = [];
    const jobs = createJobScheduler({ db: t.db, log, now: () => new Date() }, [
      { name: "cron-a", everyMs: 60_000, run: async () => void ran.push("a") },
      {
        name: "cron-b",
        everyMs: 60_000,
        run: async () => Promise.reject(new Error("upstream RPC down")),
      },
    ]);
    const call = (
      headers: Record<string, string>,
      env: { CRON_SECRET?: string } = { CRON_SECRET: SECRET },
    ) => serveCronJobs({ env, jobs }, new Request("http://gw.test/api/cron/jobs", { headers }));

    const anonymous = await call({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      error: { code: "unauthorized", message: "Present CRON_SECRET as a bearer token" },
    });
    expect((await call({ authorization: "Bearer wrong-secret-0123456789" })).status).toBe(401);
    const unconfigured = await call({ authorization: `Bearer ${SECRET}` }, {});
    expect(unconfigured.status).toBe(401);
    expect(await unconfigured.json()).toMatchObject({
      error: { message: "The cron route is disabled: CRON_SECRET is not set" },
    });
    expect(ran).toEqual([]);

    const first = await call({ authorization: `Bearer ${SECRET}` });
    expect(first.status).toBe(500);
    expect(await first.json()).toMatchObject({
      instanceId: jobs.instanceId,
      failed: 1,
      ran: expect.arrayContaining([
        expect.objectContaining({ name: "cron-a", ok: true }),
        expect.objectContaining({ name: "cron-b", ok: false, error: "upstream RPC down" }),
      ]),
    });
    // a second call within the minute finds nothing due
    const second = await call({ authorization: `Bearer ${SECRET}` });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ ran: [], failed: 0 });
    expect(ran).toEqual(["a"]);
  });
});
