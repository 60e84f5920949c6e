// GET /api/discovery/resources — the bazaar discovery list (for clients whose facilitator URL is /api)
import { handleDiscoveryResources } from "@/server/discovery/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return handleDiscoveryResources(getRuntime().deps, req);
}
