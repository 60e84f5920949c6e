import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";

import { getRuntime } from "@/server/runtime";
import type { PlatformRole } from "@/server/db";
import { clientIpFrom } from "@/server/http/client-ip";
import { safeAuthRedirect } from "@/server/http/safe-redirect";
import { SIGN_IN_THROTTLED, signInInput } from "@/server/users/schemas";
import type { SessionUser } from "@/server/users/users";

import {
  signInWithEthereumAttempt,
  signInWithPasswordAttempt,
  type SignInOutcome,
} from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string | null; name: string | null; role: PlatformRole };
  }
  interface User {
    role: PlatformRole;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: PlatformRole;
    sv?: number;
    /** when the user actually signed in (ms); next-auth re-issues the token, so `iat` is not it */
    authAt?: number;
  }
}

/**
 * What a verified session token carries; the DB re-check happens in tRPC / route wrappers.
 * `signedInAt` (ms) is when the credentials were last presented; null for tokens from before it.
 */
export type SessionClaims = {
  userId: string;
  role: PlatformRole;
  sessionVersion: number;
  signedInAt: number | null;
};

const siweCredentials = z.object({
  message: z.string().min(1).max(4000),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});

function toNextAuthUser(user: SessionUser) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionVersion: user.sessionVersion,
  };
}

/** A throttled attempt throws: next-auth hands the message to the login page as `error`. */
function userOrRefusal(outcome: SignInOutcome) {
  if (outcome.ok) return toNextAuthUser(outcome.user);
  if (outcome.reason === "throttled") throw new Error(SIGN_IN_THROTTLED);
  return null;
}

/** next-auth gives authorize() the request headers as a plain record. */
function ipOf(req: { headers?: Record<string, unknown> } | undefined): string | null {
  const headers = req?.headers ?? {};
  return clientIpFrom({
    get: (name) => (typeof headers[name] === "string" ? headers[name] : null),
  });
}

/**
 * next-auth v4 (RainbowKit's SIWE adapter requires < 5) with JWT sessions: credentials
 * (email + password) and Sign-In with Ethereum. Built lazily because it reads env.
 */
export function getAuthOptions(): NextAuthOptions {
  const deps = getRuntime().deps;
  const secureCookies = deps.env.APP_URL.startsWith("https://");
  return {
    secret: deps.env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    useSecureCookies: secureCookies,
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials, req) {
          const parsed = signInInput.safeParse(credentials);
          if (!parsed.success) return null;
          return userOrRefusal(
            await signInWithPasswordAttempt(getRuntime().deps, parsed.data, ipOf(req)),
          );
        },
      }),
      CredentialsProvider({
        id: "ethereum",
        name: "Ethereum",
        credentials: { message: { type: "text" }, signature: { type: "text" } },
        async authorize(credentials, req) {
          const parsed = siweCredentials.safeParse(credentials);
          if (!parsed.success) return null;
          const { getCsrfToken } = await import("next-auth/react");
          const nonce = await getCsrfToken({ req: { headers: req.headers } });
          if (!nonce) return null;
          const input = {
            message: parsed.data.message,
            signature: parsed.data.signature as `0x${string}`,
            expectedNonce: nonce,
          };
          return userOrRefusal(
            await signInWithEthereumAttempt(getRuntime().deps, input, ipOf(req)),
          );
        },
      }),
    ],
    callbacks: {
      // callbackUrl is the visitor's input: only a path on this origin (server/http/safe-redirect.ts)
      redirect({ url, baseUrl }) {
        return safeAuthRedirect(url, baseUrl);
      },
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.sv = user.sessionVersion;
          token.authAt = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: token.uid ?? "",
          email: token.email ?? null,
          name: token.name ?? null,
          role: token.role ?? "USER",
        };
        return session;
      },
    },
  };
}
