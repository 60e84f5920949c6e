// GET /api/ready — readiness: database, chain RPC per configured network, Redis when configured
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const GET = INSTANCE_ROUTES["/api/ready"].GET;
