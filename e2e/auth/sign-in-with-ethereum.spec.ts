import { expect, test } from "@playwright/test";
import { createSiweMessage } from "viem/siwe";

import { accountFor } from "../../server/chain/accounts";
import { readE2EState } from "../fixtures/env";

// Sign-In with Ethereum through next-auth, with the message RainbowKit's SIWE adapter builds:
// EIP-4361, our domain, next-auth's CSRF token as the nonce.

async function siweSignIn(
  request: import("@playwright/test").APIRequestContext,
  opts: { domain?: string; signer?: ReturnType<typeof accountFor>; address?: `0x${string}` } = {},
) {
  const { baseUrl, chainId } = readE2EState();
  const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const account = opts.signer ?? accountFor("spare");
  const message = createSiweMessage({
    domain: opts.domain ?? new URL(baseUrl).host,
    address: opts.address ?? account.address,
    statement: "Sign in to x402 Gateway",
    uri: baseUrl,
    version: "1",
    chainId,
    nonce: csrf.csrfToken,
    issuedAt: new Date(),
  });
  const signature = await account.signMessage({ message });
  return request.post("/api/auth/callback/ethereum", {
    form: { csrfToken: csrf.csrfToken, message, signature, json: "true" },
    maxRedirects: 0,
  });
}

test.describe("Sign-In with Ethereum", () => {
  test("a wallet signs in and gets a session whose user is the wallet", async ({ request }) => {
    const res = await siweSignIn(request);
    expect(res.status()).toBeLessThan(400);
    const me = await request.get("/api/trpc/auth.me");
    expect(me.status()).toBe(200);
    const body = (await me.json()) as {
      result: { data: { json: { walletAddress: string | null } } };
    };
    expect(body.result.data.json.walletAddress).toBe(accountFor("spare").address.toLowerCase());
  });

  test("a message for another domain, or signed by someone else, gives no session", async ({
    playwright,
  }) => {
    const { baseUrl } = readE2EState();
    for (const attempt of [
      { domain: "evil.example" },
      { signer: accountFor("payerB"), address: accountFor("spare").address },
    ]) {
      const request = await playwright.request.newContext({ baseURL: baseUrl });
      const res = await siweSignIn(request, attempt);
      const location = res.headers().location ?? "";
      expect(res.status() >= 400 || location.includes("error")).toBe(true);
      expect((await request.get("/api/trpc/auth.me")).status()).toBe(401);
      await request.dispose();
    }
  });
});
