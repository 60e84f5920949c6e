// GET /api/facilitator/discovery/resources — the bazaar discovery list where the ecosystem's clients
// look for it: `${facilitatorUrl}/discovery/resources` (withBazaar(HTTPFacilitatorClient).listResources)
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const GET = INSTANCE_ROUTES["/api/facilitator/discovery/resources"].GET;
