// POST /api/facilitator/verify — the standard x402 facilitator verify, served by our self-hosted facilitator
import { handleFacilitatorVerify } from "@/server/facilitator/http-api";
import { getEnv } from "@/server/env";
import { getGatewayDeps } from "@/server/gateway/runtime";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  const deps = getGatewayDeps();
  return handleFacilitatorVerify({ ...deps, env: getEnv(), facilitator: deps.facilitators.local }, req);
}
