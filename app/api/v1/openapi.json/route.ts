// GET /api/v1/openapi.json — the public API's OpenAPI 3.1 document, generated from the procedures
import { getEnv } from "@/server/env";
import { json } from "@/server/http/respond";
import { buildOpenApiDocument } from "@/server/public-api/openapi";

export const dynamic = "force-dynamic";

export function GET() {
  return json(buildOpenApiDocument({ baseUrl: getEnv().APP_URL }), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}
