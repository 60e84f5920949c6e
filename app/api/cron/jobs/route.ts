// GET /api/cron/jobs — runs the due background jobs (bearer CRON_SECRET; Vercel Cron, vercel.json)
import { getEnv } from "@/server/env";
import { getRuntime } from "@/server/runtime";
import { serveCronJobs } from "@/server/jobs/cron-endpoint";

export const dynamic = "force-dynamic";
// the settlement run may take a while when it is due
export const maxDuration = 60;

export function GET(req: Request) {
  return serveCronJobs({ env: getEnv(), jobs: getRuntime().jobs }, req);
}
