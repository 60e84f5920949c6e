// GET /.well-known/did.json — the did:web document with the `offer-receipt` keys (current and retired)
import { handleDidDocument } from "@/server/receipts/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export function GET() {
  return handleDidDocument(getRuntime().deps);
}
