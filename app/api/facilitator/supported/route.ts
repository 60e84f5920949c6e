// GET /api/facilitator/supported — the standard x402 facilitator supported, served by our self-hosted facilitator
import { handleFacilitatorSupported } from "@/server/facilitator/http-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return handleFacilitatorSupported(getRuntime().facilitatorApi, req);
}
