import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";

import { getDeps } from "@/server/deps";
import type { PlatformRole } from "@/server/db";
import { signInInput } from "@/server/users/schemas";
import { authenticateWithPassword, signInWithWallet, type SessionUser } from "@/server/users/users";

import { verifySiweSignIn } from "./siwe";

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
  }
}

/** What a verified session token carries; the DB re-check happens in tRPC / route wrappers. */
export type SessionClaims = { userId: string; role: PlatformRole; sessionVersion: number };

const siweCredentials = z.object({ message: z.string().min(1).max(4000), signature: z.string().regex(/^0x[0-9a-fA-F]+$/) });

function toNextAuthUser(user: SessionUser) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

/**
 * next-auth v4 (RainbowKit's SIWE adapter requires < 5) with JWT sessions: credentials
 * (email + password) and Sign-In with Ethereum. Built lazily because it reads env.
 */
export function getAuthOptions(): NextAuthOptions {
  const deps = getDeps();
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
        async authorize(credentials) {
          const parsed = signInInput.safeParse(credentials);
          if (!parsed.success) return null;
          const outcome = await authenticateWithPassword(deps, parsed.data);
          if (!outcome.ok) {
            deps.log.info({ reason: outcome.reason }, "password sign-in refused");
            return null;
          }
          return toNextAuthUser(outcome.user);
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
          const verification = await verifySiweSignIn({
            message: parsed.data.message,
            signature: parsed.data.signature as `0x${string}`,
            expectedDomain: new URL(deps.env.APP_URL).host,
            expectedNonce: nonce,
            now: deps.now(),
          });
          if (!verification.ok) {
            deps.log.info({ reason: verification.reason }, "SIWE sign-in refused");
            return null;
          }
          const outcome = await signInWithWallet(deps, verification.address);
          return outcome.ok ? toNextAuthUser(outcome.user) : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.sv = user.sessionVersion;
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
