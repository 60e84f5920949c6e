// GET /.well-known/did.json — the did:web document with the `offer-receipt` keys (current and retired)
// (the handler is in server/http/instance-routes.ts, which `npm start` serves without Next.js)
import { INSTANCE_ROUTES } from "@/server/http/instance-routes";

export const dynamic = "force-dynamic";

export const GET = INSTANCE_ROUTES["/.well-known/did.json"].GET;
