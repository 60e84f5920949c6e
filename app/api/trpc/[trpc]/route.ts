// GET|POST /api/trpc/* — tRPC over fetch for the consoles (same-origin mutations only)
import { handleConsoleTrpcRequest } from "@/server/api/http-handler";
import { getRuntime } from "@/server/runtime";

function handler(req: Request) {
  return handleConsoleTrpcRequest(getRuntime().deps, req);
}

export { handler as GET, handler as POST };
