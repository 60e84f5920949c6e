// GET /api/metrics — Prometheus scrape endpoint (bearer METRICS_TOKEN)
import { getEnv } from "@/server/env";
import { getRuntime } from "@/server/runtime";
import { serveMetrics } from "@/server/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return serveMetrics({ env: getEnv(), metrics: getRuntime().metrics }, req);
}
