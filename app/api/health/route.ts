// GET /api/health — liveness: the process answers
import { json } from "@/server/http/respond";

export function GET() {
  return json({ status: "ok" });
}
