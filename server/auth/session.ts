import { getToken } from "next-auth/jwt";

import type { Deps } from "@/server/deps";

import type { SessionClaims } from "./config";

function parseCookieHeader(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** Decodes the next-auth session JWT from request headers; null when absent, expired or forged. */
export async function getSessionClaims(
  deps: Pick<Deps, "env">,
  headers: Headers,
): Promise<SessionClaims | null> {
  const token = await getToken({
    req: {
      headers: Object.fromEntries(headers.entries()),
      cookies: parseCookieHeader(headers.get("cookie")),
    } as never,
    secret: deps.env.AUTH_SECRET,
    secureCookie: deps.env.APP_URL.startsWith("https://"),
  }).catch(() => null);
  if (!token?.uid || !token.role || typeof token.sv !== "number") return null;
  return {
    userId: token.uid,
    role: token.role,
    sessionVersion: token.sv,
    signedInAt: typeof token.authAt === "number" ? token.authAt : null,
  };
}
