// GET /api/facilitator/supported — the standard x402 facilitator supported, served by our self-hosted facilitator
import { handleFacilitatorSupported } from "@/server/facilitator/http-api";
import { getEnv } from "@/server/env";
import { getGatewayDeps } from "@/server/gateway/runtime";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  const deps = getGatewayDeps();
  return handleFacilitatorSupported({ ...deps, env: getEnv(), facilitator: deps.facilitators.local }, req);
}
