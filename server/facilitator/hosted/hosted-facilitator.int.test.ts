import { generateKeyPairSync } from "node:crypto";

import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { serveFetchHandler } from "@/server/http/node-adapter";
import { createLogger } from "@/server/observability/logger";

import { createHostedFacilitator } from "./hosted-facilitator";

// The hosted adapter against a stand-in for Coinbase's facilitator that records what it receives:
// with CDP keys, every call carries a CDP JWT bound to its method, host and path.

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const privateJwk = privateKey.export({ format: "jwk" });
const publicJwk = publicKey.export({ format: "jwk" });
// CDP's Ed25519 secret format: base64 of the 32-byte seed followed by the 32-byte public key
const cdpSecret = Buffer.concat([
  Buffer.from(privateJwk.d as string, "base64url"),
  Buffer.from(publicJwk.x as string, "base64url"),
]).toString("base64");

const seen: { path: string; method: string; authorization: string | null }[] = [];
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  server = await serveFetchHandler(async (req) => {
    const url = new URL(req.url);
    seen.push({
      path: url.pathname,
      method: req.method,
      authorization: req.headers.get("authorization"),
    });
    if (url.pathname.endsWith("/verify"))
      return Response.json({
        isValid: false,
        invalidReason: "invalid_exact_evm_signature",
        payer: "0x0000000000000000000000000000000000000001",
      });
    if (url.pathname.endsWith("/settle"))
      return Response.json(
        {
          success: false,
          errorReason: "invalid_transaction_state",
          transaction: "",
          network: "eip155:84532",
        },
        { status: 400 },
      );
    return Response.json({
      kinds: [{ x402Version: 2, scheme: "exact", network: "eip155:84532" }],
      extensions: [],
      signers: {},
    });
  });
});
afterAll(async () => {
  await server?.close();
});

const payload = {
  x402Version: 2,
  accepted: {
    scheme: "exact",
    network: "eip155:84532",
    asset: "0x0",
    amount: "1",
    payTo: "0x0",
    maxTimeoutSeconds: 60,
    extra: {},
  },
  payload: {},
} as never;
const requirements = {
  scheme: "exact",
  network: "eip155:84532",
  asset: "0x0",
  amount: "1",
  payTo: "0x0",
  maxTimeoutSeconds: 60,
  extra: {},
} as never;

describe("the hosted facilitator adapter", () => {
  it("passes the facilitator's verdicts through, 4xx bodies included", async () => {
    const hosted = createHostedFacilitator(
      { url: `${server.url}/platform/v2/x402` },
      { log: createLogger({ level: "silent" }) },
    );
    expect(await hosted.verify(payload, requirements)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_exact_evm_signature",
    });
    expect(await hosted.settle(payload, requirements)).toMatchObject({
      success: false,
      errorReason: "invalid_transaction_state",
    });
    expect((await hosted.supported()).kinds[0]).toMatchObject({ network: "eip155:84532" });
  });

  it("signs each call with a CDP JWT for its method, host and path", async () => {
    seen.length = 0;
    const hosted = createHostedFacilitator(
      {
        url: `${server.url}/platform/v2/x402`,
        cdpApiKeyId: "test-key-id",
        cdpApiKeySecret: cdpSecret,
      },
      { log: createLogger({ level: "silent" }) },
    );
    await hosted.verify(payload, requirements);
    const call = seen.find((s) => s.path.endsWith("/verify"));
    const token = call?.authorization?.replace(/^Bearer /, "") ?? "";
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA", kid: "test-key-id" });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: "test-key-id", iss: "cdp" });
    expect(claims.uris).toEqual([`POST ${new URL(server.url).host}/platform/v2/x402/verify`]);
    await expect(
      jwtVerify(
        token,
        await importJWK({ kty: "OKP", crv: "Ed25519", x: publicJwk.x as string }, "EdDSA"),
      ),
    ).resolves.toBeTruthy();
  });

  it("reports an unreachable facilitator as a failure value, not an exception", async () => {
    const hosted = createHostedFacilitator(
      { url: "http://127.0.0.1:1/x402", timeoutMs: 2000 },
      { log: createLogger({ level: "silent" }) },
    );
    expect(await hosted.verify(payload, requirements)).toMatchObject({
      isValid: false,
      invalidReason: "facilitator_unavailable",
    });
    expect(await hosted.settle(payload, requirements)).toMatchObject({
      success: false,
      errorReason: "facilitator_unavailable",
    });
  });
});
