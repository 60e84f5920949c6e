import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";

import { handlePublicApiRequest } from "@/server/public-api/handler";
import { createMemoryRateLimiter } from "@/server/rate-limit/limiter";
import { testDeps, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { handleConsoleTrpcRequest } from "./http-handler";

// The consoles' tRPC endpoint over HTTP with a real next-auth session cookie: what a browser sends.

const database = useTestDatabase();
const APP = "http://localhost:3000"; // testEnv's APP_URL
const PASSWORD = "correct horse battery";
const MERCHANT = {
  name: "CSRF Target",
  upstreamBaseUrl: "https://api.example.com",
  payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

async function newUser(): Promise<SessionUser> {
  return signUpWithPassword(testDeps(database.db), {
    name: "Victim",
    email: uniqueEmail("csrf"),
    password: PASSWORD,
  });
}

/** The session cookie next-auth would have set for this user at sign-in. */
async function sessionCookie(
  user: Pick<SessionUser, "id" | "role" | "email" | "sessionVersion">,
): Promise<string> {
  const deps = testDeps(database.db);
  const token = await encode({
    token: {
      sub: user.id,
      uid: user.id,
      role: user.role,
      sv: user.sessionVersion,
      email: user.email,
    },
    secret: deps.env.AUTH_SECRET,
  });
  return `next-auth.session-token=${token}`;
}

async function call(
  method: "GET" | "POST",
  path: string,
  opts: { cookie: string; input?: unknown; headers?: Record<string, string> },
) {
  const url = new URL(`/api/trpc/${path}`, APP);
  const init: RequestInit = { method, headers: { cookie: opts.cookie, ...opts.headers } };
  if (method === "GET" && opts.input !== undefined)
    url.searchParams.set("input", JSON.stringify({ json: opts.input }));
  if (method === "POST") {
    init.body = JSON.stringify({ json: opts.input });
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  const res = await handleConsoleTrpcRequest(testDeps(database.db), new Request(url, init));
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; details?: { reason?: string } } },
  };
}

const merchantsOf = (user: SessionUser) =>
  database.db.membership.count({ where: { userId: user.id } });

describe("cookie-authenticated mutations (CSRF)", () => {
  it("refuses a mutation from another site with 403 and changes nothing", async () => {
    const user = await newUser();
    const cookie = await sessionCookie(user);
    const attempts: [Record<string, string>, string][] = [
      [{ origin: "https://evil.example" }, "origin_mismatch"],
      [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, "cross_site"],
      [{ "sec-fetch-site": "same-site", origin: "http://sub.localhost:3000" }, "cross_site"],
      [{}, "origin_missing"],
    ];
    for (const [headers, reason] of attempts) {
      const res = await call("POST", "merchants.create", { cookie, input: MERCHANT, headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden", details: { reason } });
    }
    expect(await merchantsOf(user)).toBe(0);
  });

  it("accepts the same mutation from our own pages", async () => {
    const user = await newUser();
    const cookie = await sessionCookie(user);
    expect(
      (
        await call("POST", "merchants.create", {
          cookie,
          input: MERCHANT,
          headers: { origin: APP },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call("POST", "merchants.create", {
          cookie,
          input: { ...MERCHANT, name: "Second" },
          headers: { "sec-fetch-site": "same-origin", origin: APP },
        })
      ).status,
    ).toBe(200);
    expect(await merchantsOf(user)).toBe(2);
    // reads are not mutations: a cross-site GET is answered (and the browser keeps the answer from the other site)
    expect(
      (
        await call("GET", "merchants.listMine", {
          cookie,
          headers: { "sec-fetch-site": "cross-site" },
        })
      ).status,
    ).toBe(200);
  });

  it("the public REST API does not take the session cookie as a credential", async () => {
    const user = await newUser();
    const cookie = await sessionCookie(user);
    const deps = { ...testDeps(database.db), rateLimiter: createMemoryRateLimiter() };
    for (const [method, path] of [
      ["GET", "/merchants/mer_aaaaaaaaaaaaaaaaaaaa"],
      ["POST", "/merchants/mer_aaaaaaaaaaaaaaaaaaaa/pricing-rules"],
    ] as const) {
      const res = await handlePublicApiRequest(
        deps,
        new Request(`${APP}/api/v1${path}`, {
          method,
          headers: { cookie, origin: APP, "content-type": "application/json" },
          body: method === "POST" ? "{}" : undefined,
        }),
      );
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });
});

describe("session revocation", () => {
  it("refuses the old session token once the password changed", async () => {
    const user = await newUser();
    const oldCookie = await sessionCookie(user);
    expect((await call("GET", "auth.me", { cookie: oldCookie })).status).toBe(200);
    const changed = await call("POST", "auth.changePassword", {
      cookie: oldCookie,
      input: { currentPassword: PASSWORD, newPassword: "a brand new password" },
      headers: { origin: APP },
    });
    expect(changed.status).toBe(200);
    const refused = await call("GET", "auth.me", { cookie: oldCookie });
    expect(refused.status).toBe(401);
    expect(
      (
        await call("POST", "merchants.create", {
          cookie: oldCookie,
          input: MERCHANT,
          headers: { origin: APP },
        })
      ).status,
    ).toBe(401);
    expect(await merchantsOf(user)).toBe(0);
    // a token minted after the change (a new sign-in) works
    const fresh = await sessionCookie({ ...user, sessionVersion: user.sessionVersion + 1 });
    expect((await call("GET", "auth.me", { cookie: fresh })).status).toBe(200);
  });
});
