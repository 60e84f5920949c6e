// GET /api/ready — readiness: database, chain RPC per configured network, Redis when configured
import { getRuntime } from "@/server/runtime";
import { readinessNetworks, serveReadiness } from "@/server/observability/readiness";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const { db, env, log } = getRuntime().deps;
  return serveReadiness({ db, env, log, networks: readinessNetworks(env) }, req);
}
