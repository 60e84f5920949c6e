// GET /api/facilitator/discovery/resources — the bazaar discovery list where the ecosystem's clients
// look for it: `${facilitatorUrl}/discovery/resources` (withBazaar(HTTPFacilitatorClient).listResources)
import { handleDiscoveryResources } from "@/server/discovery/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return handleDiscoveryResources(getRuntime().deps, req);
}
