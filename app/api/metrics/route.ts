// GET /api/metrics — Prometheus scrape endpoint (bearer METRICS_TOKEN)
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const GET = INSTANCE_ROUTES["/api/metrics"].GET;
