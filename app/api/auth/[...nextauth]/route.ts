// GET|POST /api/auth/* — next-auth (credentials + Sign-In with Ethereum)
import NextAuth from "next-auth";

import { getAuthOptions } from "@/server/auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, context: RouteContext) {
  return (NextAuth(getAuthOptions()) as (req: Request, ctx: RouteContext) => Promise<Response>)(
    req,
    context,
  );
}

export { handler as GET, handler as POST };
