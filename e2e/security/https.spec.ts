import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

import { expect, test } from "@playwright/test";

import { HTTPS_E2E_APP_URL, HTTPS_E2E_MAX_PER_IP, HTTPS_E2E_USER } from "../fixtures/https";

// The build deployed as https behind a TLS-terminating proxy (e2e/serve-https.ts): APP_URL is
// https://gateway.e2e.test and TRUSTED_PROXIES=127.0.0.1. Requests from 127.0.0.1 play the proxy;
// requests from ::1 play a client reaching the app directly, whose X-Forwarded-* must not count.

let server: ChildProcess | undefined;
let port = 0;

const viaProxy = (path: string) => `http://127.0.0.1:${port}${path}`;
const direct = (path: string) => `http://[::1]:${port}${path}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once("error", reject);
    probe.listen(0, "::", () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  port = await freePort();
  server = spawn(process.execPath, ["--import", "tsx", "e2e/serve-https.ts", String(port)], {
    stdio: "inherit",
  });
  await expect
    .poll(async () => (await fetch(viaProxy("/api/health")).catch(() => null))?.status, {
      timeout: 200_000,
      intervals: [500],
    })
    .toBe(200);
});

test.afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
});

test("plain HTTP from the trusted proxy is redirected (308) to APP_URL for console, admin, login and docs pages", async () => {
  for (const path of ["/console", "/admin/merchants", "/login?from=%2Fconsole", "/docs/sdk"]) {
    const res = await fetch(viaProxy(path), {
      redirect: "manual",
      headers: { "x-forwarded-proto": "http", "x-forwarded-for": "198.51.100.1" },
    });
    expect(res.status, path).toBe(308);
    expect(res.headers.get("location")).toBe(`${HTTPS_E2E_APP_URL}${path}`);
  }
});

test("HTTPS from the trusted proxy gets the page, with HSTS and a CSP that upgrades insecure requests", async () => {
  const res = await fetch(viaProxy("/login"), {
    redirect: "manual",
    headers: { "x-forwarded-proto": "https" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
});

test("a client that is not a trusted proxy cannot claim HTTPS", async () => {
  const res = await fetch(direct("/login"), {
    redirect: "manual",
    headers: { "x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.1" },
  });
  expect(res.status).toBe(308);
  expect(res.headers.get("location")).toBe(`${HTTPS_E2E_APP_URL}/login`);
  expect(res.headers.get("strict-transport-security")).toBeNull();
});

test("API routes and the gateway are not redirected", async () => {
  expect(
    (
      await fetch(viaProxy("/api/health"), {
        redirect: "manual",
        headers: { "x-forwarded-proto": "http" },
      })
    ).status,
  ).toBe(200);
  const gateway = await fetch(viaProxy("/mer_aaaaaaaaaaaaaaaaaaaa/anything"), {
    redirect: "manual",
    headers: { "x-forwarded-proto": "http" },
  });
  expect(gateway.status).toBe(404);
  expect(await gateway.json()).toMatchObject({ error: { code: "merchant_not_found" } });
});

/** next-auth's CSRF cookie and token, as the login page would get them. */
async function csrf(url: (p: string) => string, headers: Record<string, string>) {
  const res = await fetch(url("/api/auth/csrf"), { headers });
  const cookie = res.headers.getSetCookie().find((c) => c.includes("csrf-token")) ?? "";
  return { cookie, token: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function signIn(
  url: (p: string) => string,
  headers: Record<string, string>,
  credentials: { email: string; password: string },
) {
  const { cookie, token } = await csrf(url, headers);
  const res = await fetch(url("/api/auth/callback/credentials"), {
    method: "POST",
    redirect: "manual",
    headers: {
      ...headers,
      cookie: cookie.split(";")[0] ?? "",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ ...credentials, csrfToken: token, json: "true" }),
  });
  const location =
    res.headers.get("location") ??
    ((await res.json().catch(() => ({}))) as { url?: string }).url ??
    "";
  return {
    res,
    error: new URL(location, HTTPS_E2E_APP_URL).searchParams.get("error"),
    cookies: res.headers.getSetCookie(),
  };
}

test("the auth cookies are __Host-/__Secure- prefixed, Secure, HttpOnly and SameSite=Lax", async () => {
  const proxied = { "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.200" };
  const { cookie } = await csrf(viaProxy, proxied);
  expect(cookie).toMatch(
    /^__Host-next-auth\.csrf-token=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
  );

  const { error, cookies } = await signIn(viaProxy, proxied, HTTPS_E2E_USER);
  expect(error).toBeNull();
  const session = cookies.find((c) => c.startsWith("__Secure-next-auth.session-token="));
  expect(session).toBeDefined();
  for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"])
    expect(session?.split("; ")).toContain(attribute);

  const me = await fetch(viaProxy("/api/trpc/auth.me"), {
    headers: { ...proxied, cookie: session?.split(";")[0] ?? "" },
  });
  expect(me.status).toBe(200);
});

test("sign-in attempts count against the client the trusted proxy names, and against the peer otherwise", async () => {
  const wrong = () => ({
    email: `nobody-${Math.random().toString(36).slice(2)}@e2e.test`,
    password: "not the password",
  });
  const proxiedFor = (ip: string) => ({ "x-forwarded-proto": "https", "x-forwarded-for": ip });

  const fromOneClient = [];
  for (let i = 0; i <= HTTPS_E2E_MAX_PER_IP; i++)
    fromOneClient.push((await signIn(viaProxy, proxiedFor("198.51.100.7"), wrong())).error);
  expect(fromOneClient).toEqual([
    ...Array<string>(HTTPS_E2E_MAX_PER_IP).fill("CredentialsSignin"),
    "SignInThrottled",
  ]);
  // another client behind the same proxy has its own budget
  expect((await signIn(viaProxy, proxiedFor("198.51.100.8"), wrong())).error).toBe(
    "CredentialsSignin",
  );

  // a direct client cannot dodge its budget by making up X-Forwarded-For
  const spoofing = [];
  for (let i = 0; i <= HTTPS_E2E_MAX_PER_IP; i++)
    spoofing.push((await signIn(direct, proxiedFor(`203.0.113.${i + 1}`), wrong())).error);
  expect(spoofing).toEqual([
    ...Array<string>(HTTPS_E2E_MAX_PER_IP).fill("CredentialsSignin"),
    "SignInThrottled",
  ]);
});
