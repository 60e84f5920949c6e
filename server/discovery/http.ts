import type { Deps } from "@/server/deps";
import { errorResponse, json } from "@/server/http/respond";

import { DISCOVERY_CACHE_SECONDS, listDiscoveryQuery, listDiscoveryResources } from "./resources";

/** GET …/discovery/resources: the bazaar list, public (it says what the 402s say), cacheable briefly. */
export async function handleDiscoveryResources(
  deps: Pick<Deps, "db" | "env">,
  req: Request,
): Promise<Response> {
  const parsed = listDiscoveryQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success)
    return errorResponse("invalid_request", parsed.error.issues[0]?.message ?? "Invalid query", {
      details: {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
    });
  return json(await listDiscoveryResources(deps, parsed.data), {
    headers: { "cache-control": `public, max-age=${DISCOVERY_CACHE_SECONDS}` },
  });
}
