import { NextResponse, type NextRequest } from "next/server";

// Optimistic only (STYLE 2.8): a signed-out visitor of a console or admin page is sent to the
// login page. No DB work here; layouts and tRPC procedures are the real checks. The gateway's
// paths are deliberately outside the matcher (streaming and large bodies, see NOTES.md).

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function middleware(request: NextRequest) {
  const hasSession = request.cookies
    .getAll()
    .some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  if (hasSession) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("from", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = { matcher: ["/console/:path*", "/admin/:path*"] };
