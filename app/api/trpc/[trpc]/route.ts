// GET|POST /api/trpc/* — tRPC over fetch for the consoles
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getSessionClaims } from "@/server/auth";
import { getDeps } from "@/server/deps";
import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";

async function handler(req: Request) {
  const deps = getDeps();
  const requestId = requestIdFrom(req.headers);
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createTRPCContext({ deps, session: await getSessionClaims(deps, req.headers), requestId, ip: clientIpFrom(req.headers) }),
  });
  response.headers.set("x-request-id", requestId);
  return response;
}

export { handler as GET, handler as POST };
