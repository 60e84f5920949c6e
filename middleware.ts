import { NextResponse, type NextRequest } from "next/server";

import { getEnv } from "@/server/env";
import { isHttpsRequest } from "@/server/http/client-ip";
import { notServedMessage, roleServes } from "@/server/http/instance-role";
import { errorResponse } from "@/server/http/respond";
import {
  buildContentSecurityPolicy,
  httpsRedirectTarget,
  newNonce,
  pageSecurityConfig,
  pageSecurityHeaders,
  type PageSecurityConfig,
} from "@/server/http/page-security";

// Pages (STYLE 2.8): the HTTPS redirect, the security headers with a per-request CSP nonce
// (server/http/page-security.ts), and the optimistic login redirect for signed-out visitors of
// console and admin pages — from the session cookie alone, no DB work; layouts and tRPC procedures
// are the real checks. API routes check their own callers; here they only meet INSTANCE_ROLE, so
// that `next start` and the standalone server refuse what the role does not serve, as npm start
// does. The gateway's paths (/mer_…) stay outside the matcher (streaming and large bodies, see
// NOTES.md; its route handler checks the role), and so do the probes every role answers.

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

let security: PageSecurityConfig | undefined;

function needsSession(pathname: string): boolean {
  return /^\/(console|admin)(\/|$)/.test(pathname);
}

function hasSession(request: NextRequest): boolean {
  return request.cookies
    .getAll()
    .some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
}

export function middleware(request: NextRequest) {
  const env = getEnv();
  const { pathname } = request.nextUrl;
  if (!roleServes(env.INSTANCE_ROLE, pathname))
    return errorResponse("not_found", notServedMessage(env.INSTANCE_ROLE));
  if (pathname === "/api" || pathname.startsWith("/api/")) return NextResponse.next();
  security ??= pageSecurityConfig(env);
  const https = isHttpsRequest(request.headers);
  const secureTarget = httpsRedirectTarget(security, request.nextUrl, https);
  if (secureTarget) return NextResponse.redirect(secureTarget, 308);

  const nonce = newNonce();
  const csp = buildContentSecurityPolicy(security, nonce);
  let response: NextResponse;
  if (needsSession(request.nextUrl.pathname) && !hasSession(request)) {
    const login = new URL("/login", request.url);
    login.searchParams.set("from", request.nextUrl.pathname + request.nextUrl.search);
    response = NextResponse.redirect(login);
  } else {
    // Next.js reads the nonce from the request's CSP header and puts it on its own scripts
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("content-security-policy", csp);
    requestHeaders.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [name, value] of pageSecurityHeaders(security, { csp, https }))
    response.headers.set(name, value);
  return response;
}

export const config = {
  // everything but the probes, Next's static files and the gateway (/mer_…)
  matcher: [
    "/((?!api/(?:health|ready|metrics|cron)(?:/|$)|_next/static/|_next/image|favicon\\.ico|mer_).*)",
  ],
};
