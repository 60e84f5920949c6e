// POST /api/facilitator/verify — the standard x402 facilitator verify, served by our self-hosted facilitator
import { handleFacilitatorVerify } from "@/server/facilitator/http-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return handleFacilitatorVerify(getRuntime().facilitatorApi, req);
}
