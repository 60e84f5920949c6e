// GET /api/ready — readiness: database, chain RPC per configured network, Redis when configured
import { getDeps } from "@/server/deps";
import { readinessNetworks, serveReadiness } from "@/server/observability/readiness";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const { db, env, log } = getDeps();
  return serveReadiness({ db, env, log, networks: readinessNetworks(env) }, req);
}
