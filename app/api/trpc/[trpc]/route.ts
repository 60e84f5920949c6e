// GET|POST /api/trpc/* — tRPC over fetch for the consoles (same-origin mutations only)
import { handleConsoleTrpcRequest } from "@/server/api/http-handler";
import { getDeps } from "@/server/deps";

function handler(req: Request) {
  return handleConsoleTrpcRequest(getDeps(), req);
}

export { handler as GET, handler as POST };
