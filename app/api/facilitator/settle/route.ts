// POST /api/facilitator/settle — the standard x402 facilitator settle, served by our self-hosted facilitator
import { handleFacilitatorSettle } from "@/server/facilitator/http-api";
import { getEnv } from "@/server/env";
import { getGatewayDeps } from "@/server/gateway/runtime";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  const deps = getGatewayDeps();
  return handleFacilitatorSettle({ ...deps, env: getEnv(), facilitator: deps.facilitators.local }, req);
}
