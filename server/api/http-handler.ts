import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { getSessionClaims } from "@/server/auth/session";
import type { Deps } from "@/server/deps";
import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";
import { errorResponse } from "@/server/http/respond";
import { checkSameOrigin } from "@/server/http/same-origin";

import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

/**
 * The consoles' tRPC endpoint (/api/trpc). Its only credential is the session cookie, which the
 * browser attaches to requests from any site: every mutation must come from our own origin.
 */
export async function handleConsoleTrpcRequest(deps: Deps, req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const verdict = checkSameOrigin(req, new URL(deps.env.APP_URL).origin);
  if (!verdict.ok) {
    deps.log.warn(
      {
        requestId,
        reason: verdict.reason,
        origin: req.headers.get("origin"),
        ip: clientIpFrom(req.headers),
      },
      "cross-site request refused",
    );
    return errorResponse(
      "forbidden",
      "Cross-site request refused: mutations must come from this site's own pages",
      {
        requestId,
        details: { reason: verdict.reason },
      },
    );
  }
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createTRPCContext({
        deps,
        session: await getSessionClaims(deps, req.headers),
        requestId,
        ip: clientIpFrom(req.headers),
      }),
  });
  response.headers.set("x-request-id", requestId);
  return response;
}
