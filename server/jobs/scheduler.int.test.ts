import { describe, expect, it } from "vitest";

import { createLogger } from "@/server/observability/logger";
import { useTestDatabase } from "@/server/testing/int";

import {
  claimRetryDelayMs,
  createJobScheduler,
  logsClaimFailure,
  type JobDefinition,
} from "./scheduler";

const log = createLogger({ level: "silent" });
const t = useTestDatabase();

function clockAt(iso: string) {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

async function jobRow(name: string) {
  return t.db.backgroundJob.findUniqueOrThrow({ where: { name } });
}

describe("background jobs across instances", () => {
  it("runs a due job on exactly one of several instances racing for it, then not again until it is due", async () => {
    const clock = clockAt("2026-11-26T10:00:00Z");
    const ranOn: string[] = [];
    let finishFirstRun: () => void = () => undefined;
    const firstRunHeld = new Promise<void>((r) => (finishFirstRun = r));
    const job = (instance: string): JobDefinition => ({
      name: "race",
      everyMs: 60_000,
      run: async () => {
        ranOn.push(instance);
        await firstRunHeld;
      },
    });
    const ids = ["a", "b", "c", "d"];
    const instances = ids.map((id) =>
      createJobScheduler({ db: t.db, log, now: clock.now }, [job(id)], { instanceId: id }),
    );

    // every instance ticks at the same moment; the winner's run stays open while the others'
    // attempts return and all four tick four more times
    const firstTick = instances.map((s) => s.runDue());
    await expect.poll(() => ranOn).toHaveLength(1);
    await Promise.all(firstTick.filter((_, i) => ids[i] !== ranOn[0]));
    for (let tick = 1; tick < 5; tick++) await Promise.all(instances.map((s) => s.runDue()));
    expect(ranOn).toHaveLength(1);
    finishFirstRun();
    await Promise.all(firstTick);
    expect(await jobRow("race")).toMatchObject({
      runCount: 1,
      lockedBy: null,
      lastRunBy: ranOn[0],
      nextRunAt: new Date("2026-11-26T10:01:00Z"),
    });

    clock.advance(59_000);
    await Promise.all(instances.map((s) => s.runDue()));
    expect(ranOn).toHaveLength(1);

    clock.advance(1_000);
    await Promise.all(instances.map((s) => s.runDue()));
    await Promise.all(instances.map((s) => s.runDue()));
    expect(ranOn).toHaveLength(2);
    expect((await jobRow("race")).runCount).toBe(2);
  });

  it("does not start a job that is still running elsewhere, and takes it over once the holder's lease lapses", async () => {
    const clock = clockAt("2026-11-26T11:00:00Z");
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const runs: string[] = [];
    const holder = createJobScheduler(
      { db: t.db, log, now: clock.now },
      [{ name: "lease", everyMs: 1_000, run: () => (runs.push("holder"), stuck) }],
      { instanceId: "holder", leaseMs: 30_000 },
    );
    const other = createJobScheduler(
      { db: t.db, log, now: clock.now },
      [{ name: "lease", everyMs: 1_000, run: async () => runs.push("other") }],
      { instanceId: "other", leaseMs: 30_000 },
    );

    const holding = holder.runDue();
    await expect.poll(() => runs).toEqual(["holder"]);
    clock.advance(5_000); // due again by its interval, but held
    expect(await other.runDue()).toEqual([]);
    // the holder "dies": its lease is not renewed (the fake clock stands still for it) and lapses
    clock.advance(26_000);
    const reports = await other.runDue();
    expect(reports).toEqual([expect.objectContaining({ name: "lease", ok: true })]);
    expect(runs).toEqual(["holder", "other"]);
    // the old holder finishing late cannot book over the new holder's run
    release();
    await holding;
    expect(await jobRow("lease")).toMatchObject({ runCount: 1, lastRunBy: "other" });
  });

  it("books a failed run with its error and keeps the schedule", async () => {
    const clock = clockAt("2026-11-26T12:00:00Z");
    const scheduler = createJobScheduler(
      { db: t.db, log, now: clock.now },
      [
        {
          name: "failing",
          everyMs: 30_000,
          run: async () => Promise.reject(new Error("RPC down")),
        },
      ],
      { instanceId: "x" },
    );
    expect(await scheduler.runDue()).toEqual([
      expect.objectContaining({ name: "failing", ok: false, error: "RPC down" }),
    ]);
    expect(await jobRow("failing")).toMatchObject({
      runCount: 1,
      failureCount: 1,
      lastError: "RPC down",
      lockedBy: null,
      nextRunAt: new Date("2026-11-26T12:00:30Z"),
    });
  });

  it("ticks on its own and finishes the run in progress when stopped", async () => {
    let runs = 0;
    const scheduler = createJobScheduler({ db: t.db, log, now: () => new Date() }, [
      { name: "ticking", everyMs: 100, run: async () => void (runs += 1) },
    ]);
    scheduler.start();
    await expect.poll(() => runs, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await scheduler.stop();
    const stoppedAt = runs;
    // a witness on the same interval ticks three times: the stopped one would have ticked meanwhile
    let witnessed = 0;
    const witness = createJobScheduler({ db: t.db, log, now: () => new Date() }, [
      { name: "witness", everyMs: 100, run: async () => void (witnessed += 1) },
    ]);
    witness.start();
    await expect.poll(() => witnessed, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await witness.stop();
    expect(runs).toBe(stoppedAt);
    expect((await jobRow("ticking")).lockedBy).toBeNull();
  });

  it("backs off while claims fail (a database without the job table) and says once when they work again", async () => {
    const lines: { msg: string; time: string; failedClaims?: number; retryInMs?: number }[] = [];
    const captured = createLogger({
      level: "info",
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    let runs = 0;
    await t.db.$executeRawUnsafe(`ALTER TABLE "BackgroundJob" RENAME TO "BackgroundJob_away"`);
    const scheduler = createJobScheduler({ db: t.db, log: captured, now: () => new Date() }, [
      { name: "outage", everyMs: 100, run: async () => void (runs += 1) },
    ]);
    try {
      scheduler.start(20);
      const failures = () => lines.filter((l) => l.msg === "background job claim failed");
      await expect.poll(() => failures().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      // without backoff every 20 ms tick would fail and log; with it the k-th failure waits 20·2ᵏ ms
      // and only the 1st, 2nd, 4th, 8th… are logged, each naming the wait it starts
      for (const line of failures()) {
        expect(logsClaimFailure(line.failedClaims ?? 0)).toBe(true);
        expect(line.retryInMs).toBe(claimRetryDelayMs(20, line.failedClaims ?? 0));
      }
      const [first, second, fourth] = failures();
      expect([first, second, fourth].map((l) => [l?.failedClaims, l?.retryInMs])).toEqual([
        [1, 40],
        [2, 80],
        [4, 320],
      ]);
      // the waits were taken: lower bounds on the lines' own times, stamped when each failure is logged
      // (a loaded machine makes the gaps longer, never shorter; 10 ms of slack for the log clock's
      // re-anchoring), where every 20 ms tick retrying would give gaps of 20 and 40 ms
      const at = (line: { time: string } | undefined) => Date.parse(line?.time ?? "");
      expect(at(second) - at(first)).toBeGreaterThanOrEqual(40 - 10);
      expect(at(fourth) - at(second)).toBeGreaterThanOrEqual(80 + 160 - 10);
      expect(runs).toBe(0);
    } finally {
      await t.db.$executeRawUnsafe(`ALTER TABLE "BackgroundJob_away" RENAME TO "BackgroundJob"`);
    }
    await expect.poll(() => runs, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await scheduler.stop();
    expect(lines.filter((l) => l.msg === "background job claims work again")).toHaveLength(1);
  });

  it("doubles the retry delay from one tick up to a minute, logging the 1st, 2nd, 4th, 8th… failure", () => {
    expect([1, 2, 3, 10, 40].map((n) => claimRetryDelayMs(500, n))).toEqual([
      1_000, 2_000, 4_000, 60_000, 60_000,
    ]);
    expect([1, 2, 3, 4, 5, 8, 12, 16].filter(logsClaimFailure)).toEqual([1, 2, 4, 8, 16]);
    expect(logsClaimFailure(0)).toBe(false);
  });
});
