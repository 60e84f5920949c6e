import { createHash, timingSafeEqual } from "node:crypto";

import type { ServerEnv } from "@/server/env";
import { errorResponse } from "@/server/http/respond";

import { METRICS_CONTENT_TYPE, type Metrics } from "./metrics";

// GET /api/metrics: the Prometheus text exposition, for a scraper that presents METRICS_TOKEN as
// a bearer token. Without a configured token every scrape is refused: per-merchant traffic and
// failure reasons are not for the public.

function sameToken(given: string, expected: string): boolean {
  // hashing first makes the comparison constant-time whatever the lengths
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function serveMetrics(deps: { env: Pick<ServerEnv, "METRICS_TOKEN">; metrics: Metrics }, req: Request): Promise<Response> {
  const presented = /^bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  const expected = deps.env.METRICS_TOKEN;
  if (!expected || !presented || !sameToken(presented, expected)) {
    return errorResponse("unauthorized", expected ? "Present the metrics token as a bearer token" : "Metrics are disabled: METRICS_TOKEN is not set", {
      headers: { "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  if (!deps.metrics.registry) return errorResponse("service_unavailable", "Metrics recording is off on this instance (METRICS_ENABLED=false)");
  return new Response(await deps.metrics.registry.metrics(), { status: 200, headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" } });
}
