// /api/v1/* — the public merchant REST API (server/public-api): the console's procedures, by API key
import { handlePublicApiRequest } from "@/server/public-api/handler";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

function handler(req: Request) {
  return handlePublicApiRequest(getRuntime().publicApi, req);
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
