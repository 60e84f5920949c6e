import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";

import { verifySiweSignIn } from "./siwe";

const wallet = privateKeyToAccount(
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
);
const other = privateKeyToAccount(
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
);
const now = new Date("2026-11-26T12:00:00Z");

function message(over: { domain?: string; nonce?: string; expirationTime?: Date } = {}) {
  return createSiweMessage({
    domain: over.domain ?? "gateway.example",
    address: wallet.address,
    uri: "https://gateway.example",
    version: "1",
    chainId: 8453,
    nonce: over.nonce ?? "csrftoken123",
    issuedAt: new Date("2026-11-26T11:59:00Z"),
    expirationTime: over.expirationTime,
  });
}

const expected = { expectedDomain: "gateway.example", expectedNonce: "csrftoken123", now };

describe("verifySiweSignIn", () => {
  it("accepts our domain, our nonce and the address's own signature", async () => {
    const m = message();
    expect(
      await verifySiweSignIn({
        ...expected,
        message: m,
        signature: await wallet.signMessage({ message: m }),
      }),
    ).toEqual({ ok: true, address: wallet.address.toLowerCase() });
  });

  it("refuses another domain, another nonce, an expired message and someone else's signature", async () => {
    for (const m of [
      message({ domain: "evil.example" }),
      message({ nonce: "replayed999" }),
      message({ expirationTime: new Date("2026-11-26T11:59:30Z") }),
    ]) {
      expect(
        await verifySiweSignIn({
          ...expected,
          message: m,
          signature: await wallet.signMessage({ message: m }),
        }),
      ).toEqual({ ok: false, reason: "message_mismatch" });
    }
    const m = message();
    expect(
      await verifySiweSignIn({
        ...expected,
        message: m,
        signature: await other.signMessage({ message: m }),
      }),
    ).toEqual({ ok: false, reason: "bad_signature" });
    expect(
      await verifySiweSignIn({ ...expected, message: "not a siwe message", signature: "0x00" }),
    ).toEqual({ ok: false, reason: "malformed_message" });
  });
});
