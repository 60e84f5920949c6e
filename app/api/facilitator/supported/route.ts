// GET /api/facilitator/supported — the standard x402 facilitator supported, served by our self-hosted facilitator
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const GET = INSTANCE_ROUTES["/api/facilitator/supported"].GET;
