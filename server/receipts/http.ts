import type { Deps } from "@/server/deps";
import { json } from "@/server/http/respond";

import { receiptDidDocument } from "./keys";

/** How long verifiers may cache the document: short, so a rotation's new key is found soon after. */
export const DID_DOCUMENT_CACHE_SECONDS = 300;

/** GET /.well-known/did.json: the did:web document holding every receipt key (public, CORS-open). */
export async function handleDidDocument(deps: Pick<Deps, "db" | "env">): Promise<Response> {
  const res = json(await receiptDidDocument(deps), {
    headers: {
      "cache-control": `public, max-age=${DID_DOCUMENT_CACHE_SECONDS}`,
      // browsers verify receipts too (the SDK fetches this document)
      "access-control-allow-origin": "*",
    },
  });
  res.headers.set("content-type", "application/did+json");
  return res;
}
