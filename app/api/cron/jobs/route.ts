// GET /api/cron/jobs — runs the due background jobs (bearer CRON_SECRET; Vercel Cron, vercel.json)
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";
// the settlement run may take a while when it is due
export const maxDuration = 60;

export const GET = INSTANCE_ROUTES["/api/cron/jobs"].GET;
