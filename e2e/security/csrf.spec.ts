import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect, test, type APIRequestContext } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL } from "../fixtures/env";

// A console mutation carries only the session cookie, which the browser attaches wherever the
// request comes from: the server must refuse it unless it comes from our own pages.

const MERCHANT = {
  upstreamBaseUrl: "https://api.example.com",
  payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

async function newSignedInUser(request: APIRequestContext) {
  const credentials = {
    name: "CSRF Test",
    email: `csrf-${Date.now()}-${Math.random().toString(36).slice(2)}@e2e.test`,
    password: "long enough password",
  };
  const signUp = await request.post("/api/trpc/auth.signUp", {
    data: { json: credentials },
    headers: { origin: E2E_BASE_URL },
  });
  expect(signUp.status()).toBe(200);
  await signInViaApi(request, credentials);
}

async function myMerchants(request: APIRequestContext): Promise<{ name: string }[]> {
  const res = await request.get("/api/trpc/merchants.listMine");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { result: { data: { json: { name: string }[] } } }).result.data
    .json;
}

test("a tRPC mutation with the session cookie and another site's Origin is refused 403 and changes nothing", async ({
  request,
}) => {
  await newSignedInUser(request);
  const create = (name: string, headers: Record<string, string>) =>
    request.post("/api/trpc/merchants.create", { data: { json: { ...MERCHANT, name } }, headers });

  const forged = await create("Forged", { origin: "https://evil.example" });
  expect(forged.status()).toBe(403);
  expect(await forged.json()).toMatchObject({
    error: {
      code: "forbidden",
      details: { reason: "origin_mismatch" },
      requestId: expect.any(String),
    },
  });
  expect((await create("No origin", {})).status()).toBe(403);
  expect((await create("Cross site", { "sec-fetch-site": "cross-site" })).status()).toBe(403);
  expect(await myMerchants(request)).toEqual([]);

  const mine = await create("Ours", { origin: E2E_BASE_URL });
  expect(mine.status()).toBe(200);
  expect((await myMerchants(request)).map((m) => m.name)).toEqual(["Ours"]);
});

test("in the browser: a page of another origin cannot drive a mutation with our cookie, our own page can", async ({
  page,
  context,
  request,
}) => {
  await newSignedInUser(request);
  await useSessionIn(context, request);
  // another origin on the same host (a different port is the same *site*, so SameSite=Lax still
  // sends the cookie: only the origin check stands between this page and the console)
  const evil = http.createServer((_req, res) =>
    res
      .writeHead(200, { "content-type": "text/html" })
      .end("<!doctype html><title>evil</title><p>hi</p>"),
  );
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  try {
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    await page.goto(evilOrigin);
    const noCors = (url: string, init: RequestInit) =>
      page.evaluate(
        ([u, i]) =>
          fetch(u, { ...i, mode: "no-cors", credentials: "include" }).then(() => undefined),
        [url, init] as const,
      );
    // the browser does attach our session cookie to this page's requests: a read answers as signed in
    const read = page.waitForResponse((r) => r.url().includes("/api/trpc/auth.me"));
    await noCors(`${E2E_BASE_URL}/api/trpc/auth.me`, { method: "GET" });
    expect((await read).status()).toBe(200);
    // a "simple" POST (no preflight): the classic form-post CSRF shape
    const attempt = page.waitForResponse((r) => r.url().includes("/api/trpc/merchants.create"));
    await noCors(`${E2E_BASE_URL}/api/trpc/merchants.create`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ json: { ...MERCHANT, name: "From evil" } }),
    });
    expect((await attempt).status()).toBe(403);
    expect(await myMerchants(request)).toEqual([]);

    await page.goto("/docs");
    const status = await page.evaluate(
      async (body) =>
        (
          await fetch("/api/trpc/merchants.create", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          })
        ).status,
      JSON.stringify({ json: { ...MERCHANT, name: "From our page" } }),
    );
    expect(status).toBe(200);
    expect((await myMerchants(request)).map((m) => m.name)).toEqual(["From our page"]);
  } finally {
    await new Promise((resolve) => evil.close(resolve));
  }
});
