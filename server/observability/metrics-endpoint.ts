import type { ServerEnv } from "@/server/env";
import { presentsBearerToken } from "@/server/http/bearer";
import { errorResponse } from "@/server/http/respond";

import { METRICS_CONTENT_TYPE, type Metrics } from "./metrics";

// GET /api/metrics: the Prometheus text exposition, for a scraper that presents METRICS_TOKEN as
// a bearer token. Without a configured token every scrape is refused: per-merchant traffic and
// failure reasons are not for the public.

export async function serveMetrics(
  deps: { env: Pick<ServerEnv, "METRICS_TOKEN">; metrics: Metrics },
  req: Request,
): Promise<Response> {
  const expected = deps.env.METRICS_TOKEN;
  if (!presentsBearerToken(req, expected)) {
    return errorResponse(
      "unauthorized",
      expected
        ? "Present the metrics token as a bearer token"
        : "Metrics are disabled: METRICS_TOKEN is not set",
      {
        headers: { "www-authenticate": 'Bearer realm="metrics"' },
      },
    );
  }
  if (!deps.metrics.registry)
    return errorResponse(
      "service_unavailable",
      "Metrics recording is off on this instance (METRICS_ENABLED=false)",
    );
  return new Response(await deps.metrics.registry.metrics(), {
    status: 200,
    headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
  });
}
