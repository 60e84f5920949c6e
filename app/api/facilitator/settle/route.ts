// POST /api/facilitator/settle — the standard x402 facilitator settle, served by our self-hosted facilitator
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const POST = INSTANCE_ROUTES["/api/facilitator/settle"].POST;
