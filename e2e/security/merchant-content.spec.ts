import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect, test } from "@playwright/test";

import { signInViaApi, useSessionIn } from "../fixtures/auth";
import { E2E_BASE_URL, readE2EState } from "../fixtures/env";

// A hostile merchant (or an upstream that reflects input) answers with HTML whose script calls the
// console's API. Served through the gateway on the console's own origin (GATEWAY_URL unset, as in
// the embedded demo), it must run as an opaque origin: no script, no cookies of ours, no way to act
// as the signed-in viewer.

const HOSTILE_PAGE = `<!doctype html><html><head><title>merchant page</title></head><body>
<p id="payload">merchant content</p>
<script>
  document.title = "script ran";
  fetch("/api/trpc/auth.me", { credentials: "include" }).then((r) => r.text()).then((t) => { document.title = "stolen " + t; });
</script></body></html>`;

let upstream: http.Server;
let upstreamUrl: string;

test.beforeAll(async () => {
  upstream = http.createServer((_req, res) => {
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "set-cookie": "next-auth.session-token=planted; Path=/",
    });
    res.end(HOSTILE_PAGE);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

test("upstream HTML served through the gateway cannot call the console's API as the signed-in viewer", async ({
  page,
  request,
  context,
}) => {
  const { merchantUser } = readE2EState();
  await signInViaApi(request, merchantUser);
  const created = await request.post("/api/trpc/merchants.create", {
    data: {
      json: {
        name: `Hostile ${Date.now()}`,
        upstreamBaseUrl: upstreamUrl,
        payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      },
    },
    headers: { origin: E2E_BASE_URL },
  });
  expect(created.status()).toBe(200);
  const merchantId = ((await created.json()) as { result: { data: { json: { id: string } } } })
    .result.data.json.id;
  await useSessionIn(context, request);
  const sessionBefore = (await context.cookies()).find(
    (c) => c.name === "next-auth.session-token",
  )?.value;
  expect(sessionBefore).toBeTruthy();

  const apiCalls: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) apiCalls.push(r.url());
  });
  const response = await page.goto(`/${merchantId}/page`);
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers["content-security-policy"]).toContain("sandbox");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["set-cookie"]).toBeUndefined();

  await expect(page.locator("#payload")).toHaveText("merchant content");
  await page.waitForLoadState("networkidle");
  // the script never ran: the title is the page's own and no request reached the console's API
  await expect(page).toHaveTitle("merchant page");
  expect(apiCalls).toEqual([]);
  // the sandboxed document is an opaque origin: even the browser's view of it has no origin of ours
  expect(await page.evaluate(() => window.origin)).toBe("null");
  // and the upstream could not replace the console's session cookie
  expect((await context.cookies()).find((c) => c.name === "next-auth.session-token")?.value).toBe(
    sessionBefore,
  );
});
