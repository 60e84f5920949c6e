// GET /api/ready — readiness: database, chain RPC per configured network, Redis when configured
import { getDeps } from "@/server/deps";
import { json } from "@/server/http/respond";
import { checkReadiness, readinessNetworks } from "@/server/observability/readiness";

export const dynamic = "force-dynamic";

export async function GET() {
  const { db, env } = getDeps();
  const readiness = await checkReadiness({ db, networks: readinessNetworks(env), redisUrl: env.REDIS_URL });
  return json({ status: readiness.ok ? "ready" : "unavailable", ...readiness }, { status: readiness.ok ? 200 : 503 });
}
