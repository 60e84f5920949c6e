// POST /api/facilitator/settle — the standard x402 facilitator settle, served by our self-hosted facilitator
import { handleFacilitatorSettle } from "@/server/facilitator/http-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return handleFacilitatorSettle(getRuntime().facilitatorApi, req);
}
