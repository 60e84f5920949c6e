import { headers } from "next/headers";
import { cache } from "react";

import { getRuntime } from "@/server/runtime";
import { findActiveSessionUser, type SessionUser } from "@/server/users/users";

import { getSessionClaims } from "./session";

export { getAuthOptions, type SessionClaims } from "./config";
export { getSessionClaims } from "./session";

/**
 * The signed-in, still-valid user of the current request (React-cached per render), or null.
 * Used by layouts for UX redirects; tRPC procedures re-check on every call.
 */
export const auth = cache(async (): Promise<SessionUser | null> => {
  // read the request first: during `next build` this marks the page dynamic before any env or
  // database access, so the build needs no production secrets
  const requestHeaders = await headers();
  const deps = getRuntime().deps;
  const claims = await getSessionClaims(deps, requestHeaders);
  if (!claims) return null;
  return findActiveSessionUser(deps, claims);
});
