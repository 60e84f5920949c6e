import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { PrismaClient } from "@/server/db";
import type { Log } from "@/server/observability/logger";

// Background jobs that run exactly once across every instance sharing the database. A job is a row
// in "BackgroundJob"; whoever is first to claim a due row (FOR UPDATE SKIP LOCKED, so racing
// instances never wait on each other) runs it under a lease it renews while running, then books
// the run and the next due time. A holder that dies stops renewing; once its lease lapses, the next
// claim takes the job over. Jobs themselves stay idempotent (every queue they work is claimed row
// by row), so a run cut short by a crash is simply continued by the next one.

export type JobDefinition = {
  name: string;
  /** how long after a run starts the next one is due */
  everyMs: number;
  run: () => Promise<unknown>;
};

export type JobRunReport = { name: string; ok: boolean; durationMs: number; error?: string };

export type JobSchedulerDeps = { db: PrismaClient; log: Log; now: () => Date };

export type JobSchedulerOptions = {
  /** a lease not renewed for this long is up for grabs (renewed every third of it while running) */
  leaseMs?: number;
  /** identifies this process in the job table and logs */
  instanceId?: string;
};

export type JobScheduler = {
  instanceId: string;
  /** Claims every due job this process is not already running and runs them; resolves when they finish. */
  runDue(): Promise<JobRunReport[]>;
  /** Checks for due jobs every `tickMs` until stopped. */
  start(tickMs?: number): void;
  /** Stops ticking and waits for the runs in progress, which release their claims. */
  stop(): Promise<void>;
};

export const DEFAULT_JOB_LEASE_MS = 15_000;
const MAX_TICK_MS = 1_000;

const REGISTER_SQL = `INSERT INTO "BackgroundJob" ("name", "nextRunAt") VALUES ($1, $2) ON CONFLICT ("name") DO NOTHING`;

const CLAIM_SQL = `
UPDATE "BackgroundJob" SET "lockedBy" = $2, "lockedUntil" = $4, "lastStartedAt" = $3
WHERE "name" IN (
  SELECT "name" FROM "BackgroundJob"
  WHERE "name" = ANY(string_to_array($1, ',')) AND "nextRunAt" <= $3 AND ("lockedUntil" IS NULL OR "lockedUntil" < $3)
  FOR UPDATE SKIP LOCKED
)
RETURNING "name"`;

const RENEW_SQL = `UPDATE "BackgroundJob" SET "lockedUntil" = $3 WHERE "name" = $1 AND "lockedBy" = $2`;

const COMPLETE_SQL = `
UPDATE "BackgroundJob" SET "lockedBy" = NULL, "lockedUntil" = NULL, "lastFinishedAt" = $3, "lastRunBy" = $2, "nextRunAt" = $4,
  "runCount" = "runCount" + 1, "failureCount" = "failureCount" + $5, "lastError" = $6
WHERE "name" = $1 AND "lockedBy" = $2`;

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

const MAX_CLAIM_BACKOFF_MS = 60_000;

/**
 * How long the scheduler waits after `failures` claims in a row have failed (the database is down,
 * or not migrated): doubling from one tick up to a minute, so an outage costs a few log lines and
 * queries rather than one of each per tick.
 */
export function claimRetryDelayMs(tickMs: number, failures: number): number {
  return Math.min(MAX_CLAIM_BACKOFF_MS, tickMs * 2 ** Math.min(failures, 20));
}

/** Failed claims are logged on the 1st, 2nd, 4th, 8th… in a row; recovery is logged once. */
export function logsClaimFailure(failures: number): boolean {
  return failures > 0 && (failures & (failures - 1)) === 0;
}

/** The shortest job interval bounds how often the scheduler looks, so no job waits a whole second extra. */
export function tickIntervalMs(jobs: Pick<JobDefinition, "everyMs">[]): number {
  const shortest = Math.min(...jobs.map((j) => j.everyMs));
  return Math.max(50, Math.min(MAX_TICK_MS, Math.floor(shortest / 2)));
}

export function createJobScheduler(
  deps: JobSchedulerDeps,
  jobs: JobDefinition[],
  opts: JobSchedulerOptions = {},
): JobScheduler {
  const instanceId = opts.instanceId ?? defaultInstanceId();
  const leaseMs = opts.leaseMs ?? DEFAULT_JOB_LEASE_MS;
  const running = new Map<string, Promise<JobRunReport>>();
  let registered: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const register = () =>
    (registered ??= (async () => {
      for (const job of jobs) await deps.db.$executeRawUnsafe(REGISTER_SQL, job.name, deps.now());
    })().catch((err: unknown) => {
      registered = null;
      throw err;
    }));

  /** One statement claims every due job among `names`: the names it returns are this process's to run. */
  async function claim(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const now = deps.now();
    const rows = await deps.db.$queryRawUnsafe<{ name: string }[]>(
      CLAIM_SQL,
      names.join(","),
      instanceId,
      now,
      new Date(now.getTime() + leaseMs),
    );
    return new Set(rows.map((r) => r.name));
  }

  async function runClaimed(job: JobDefinition): Promise<JobRunReport> {
    const startedAt = deps.now();
    const renew = setInterval(
      () => {
        deps.db
          .$executeRawUnsafe(
            RENEW_SQL,
            job.name,
            instanceId,
            new Date(deps.now().getTime() + leaseMs),
          )
          .then((updated) => {
            if (updated === 0)
              deps.log.warn(
                { job: job.name, instanceId },
                "background job lease lost while running",
              );
          })
          .catch((err: unknown) =>
            deps.log.warn({ err, job: job.name }, "background job lease renewal failed"),
          );
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    let error: string | undefined;
    try {
      await job.run();
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      deps.log.error({ err, job: job.name }, "background job failed");
    } finally {
      clearInterval(renew);
    }
    const finishedAt = deps.now();
    await deps.db
      .$executeRawUnsafe(
        COMPLETE_SQL,
        job.name,
        instanceId,
        finishedAt,
        new Date(startedAt.getTime() + job.everyMs),
        error ? 1 : 0,
        error ?? null,
      )
      .catch((err: unknown) =>
        deps.log.error(
          { err, job: job.name },
          "could not book a background job run; its lease will lapse",
        ),
      );
    return {
      name: job.name,
      ok: !error,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      ...(error ? { error } : {}),
    };
  }

  /** Claims every due job this process is not running yet and starts it; returns the started runs. */
  async function claimAndStart(): Promise<Promise<JobRunReport>[]> {
    await register();
    if (stopped) return [];
    const claimed = await claim(jobs.filter((j) => !running.has(j.name)).map((j) => j.name));
    const started: Promise<JobRunReport>[] = [];
    for (const job of jobs) {
      if (!claimed.has(job.name)) continue;
      const run = runClaimed(job).finally(() => running.delete(job.name));
      running.set(job.name, run);
      started.push(run);
    }
    return started;
  }

  return {
    instanceId,
    runDue: async () => Promise.all(await claimAndStart()),
    start(tickMs = tickIntervalMs(jobs)) {
      if (timer || jobs.length === 0) return;
      let ticking = false;
      let failures = 0;
      let retryAt = 0;
      timer = setInterval(() => {
        if (ticking || Date.now() < retryAt) return;
        ticking = true;
        // runs are not awaited here: a long settlement run must not hold up the one-second queues
        claimAndStart()
          .then(() => {
            if (failures > 0)
              deps.log.info({ failedClaims: failures }, "background job claims work again");
            failures = 0;
          })
          .catch((err: unknown) => {
            failures += 1;
            const retryInMs = claimRetryDelayMs(tickMs, failures);
            retryAt = Date.now() + retryInMs;
            if (logsClaimFailure(failures))
              deps.log.warn(
                { err, failedClaims: failures, retryInMs },
                "background job claim failed",
              );
          })
          .finally(() => {
            ticking = false;
          });
      }, tickMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...running.values()]);
    },
  };
}
