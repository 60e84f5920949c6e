// POST /api/facilitator/settle — the standard x402 facilitator settle, served by our self-hosted facilitator
import { handleFacilitatorSettle } from "@/server/facilitator/http-api";
import { getGatewayDeps } from "@/server/gateway/runtime";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  const deps = getGatewayDeps();
  return handleFacilitatorSettle({ facilitator: deps.facilitators.local, log: deps.log }, req);
}
