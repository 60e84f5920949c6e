import type { ServerEnv } from "@/server/env";
import { presentsBearerToken } from "@/server/http/bearer";
import { errorResponse, json } from "@/server/http/respond";

import type { JobScheduler } from "./scheduler";

// GET /api/cron/jobs: on a serverless platform nothing runs between requests, so its scheduler
// (Vercel Cron, vercel.json) calls this route every minute and the due jobs run inside the call.
// The claim is the same as the in-process scheduler's, so a cron call and a long-running
// instance never run the same job twice. Jobs due more often than a minute (the webhook and
// deferred queues) then run once a minute.

export async function serveCronJobs(
  deps: { env: Pick<ServerEnv, "CRON_SECRET">; jobs: JobScheduler },
  req: Request,
): Promise<Response> {
  const expected = deps.env.CRON_SECRET;
  if (!presentsBearerToken(req, expected)) {
    return errorResponse(
      "unauthorized",
      expected
        ? "Present CRON_SECRET as a bearer token"
        : "The cron route is disabled: CRON_SECRET is not set",
      {
        headers: { "www-authenticate": 'Bearer realm="cron"' },
      },
    );
  }
  const ran = await deps.jobs.runDue();
  const failed = ran.filter((r) => !r.ok);
  // a failed job is booked and retried at its next due time; the 500 makes it visible in the cron's log
  return json(
    { instanceId: deps.jobs.instanceId, ran, failed: failed.length },
    { status: failed.length > 0 ? 500 : 200 },
  );
}
