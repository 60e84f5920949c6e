// GET /api/health — liveness: the process answers
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const GET = INSTANCE_ROUTES["/api/health"].GET;
