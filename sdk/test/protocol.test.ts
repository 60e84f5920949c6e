import { describe, expect, it } from "vitest";

import { fromAtomic, toAtomic } from "../src/amounts";
import { decodeJsonHeader, encodeJsonHeader, randomNonce } from "../src/encoding";
import { ProtocolError } from "../src/errors";
import { chainIdOf, parsePaymentRequired, parseSettlement, rejectionReason } from "../src/protocol";

const TOKEN = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

const v2 = {
  x402Version: 2,
  resource: { url: "https://gw.example/mer_x/api/a" },
  accepts: [
    {
      scheme: "exact",
      network: "eip155:84532",
      asset: TOKEN,
      amount: "10000",
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: { name: "USDC", version: "2" },
    },
  ],
};
const v1 = {
  x402Version: 1,
  error: "X-PAYMENT header is required",
  accepts: [
    {
      scheme: "exact",
      network: "base-sepolia",
      maxAmountRequired: "10000",
      resource: "https://gw.example/a",
      description: "",
      mimeType: "application/json",
      payTo: PAY_TO,
      maxTimeoutSeconds: 60,
      asset: TOKEN,
      extra: { name: "USDC", version: "2" },
    },
  ],
};

describe("parsePaymentRequired", () => {
  it("prefers the v2 header and normalises addresses and amounts", () => {
    const parsed = parsePaymentRequired(encodeJsonHeader(v2), v1, "https://gw.example/a");
    expect(parsed.x402Version).toBe(2);
    expect(parsed.accepts[0]).toMatchObject({
      x402Version: 2,
      chainId: 84532,
      asset: TOKEN.toLowerCase(),
      payTo: PAY_TO.toLowerCase(),
      amount: 10_000n,
      resource: "https://gw.example/mer_x/api/a",
    });
  });

  it("reads a v1 body and maps its network name to a chain", () => {
    const parsed = parsePaymentRequired(null, v1, "https://gw.example/a");
    expect(parsed.accepts[0]).toMatchObject({
      x402Version: 1,
      network: "base-sepolia",
      chainId: 84532,
      amount: 10_000n,
    });
  });

  it("refuses what is not x402 with a ProtocolError saying what is wrong", () => {
    expect(() => parsePaymentRequired("%%%", null, "u")).toThrow(ProtocolError);
    expect(() => parsePaymentRequired(null, "<html>", "u")).toThrow(/no PAYMENT-REQUIRED header/);
    expect(() =>
      parsePaymentRequired(null, { x402Version: 1, accepts: [{ scheme: "exact" }] }, "u"),
    ).toThrow(/accepts\.0/);
    expect(() =>
      parsePaymentRequired(encodeJsonHeader({ x402Version: 2, accepts: [] }), null, "u"),
    ).toThrow(/resource/);
  });
});

describe("helpers", () => {
  it("knows v1 names and CAIP-2 ids", () => {
    expect(chainIdOf("base")).toBe(8453);
    expect(chainIdOf("eip155:31337")).toBe(31337);
    expect(chainIdOf("solana")).toBeNull();
  });

  it("converts limits without floats", () => {
    expect(toAtomic("0.50", 6)).toBe(500_000n);
    expect(fromAtomic(10_000n, 6)).toBe("0.01");
    expect(() => toAtomic("0.0000001", 6)).toThrow(RangeError);
    expect(() => toAtomic("-1", 6)).toThrow(RangeError);
  });

  it("round-trips UTF-8 JSON through base64 headers and makes 32-byte nonces", () => {
    expect(decodeJsonHeader(encodeJsonHeader({ note: "café ✓" }))).toEqual({ note: "café ✓" });
    expect(randomNonce()).toMatch(/^0x[0-9a-f]{64}$/);
    expect(randomNonce()).not.toBe(randomNonce());
  });

  it("reads rejection reasons and settlement headers", () => {
    expect(rejectionReason(null, { error: "payment_replayed", errorMessage: "used" })).toEqual({
      reason: "payment_replayed",
      message: "used",
    });
    expect(
      rejectionReason(
        encodeJsonHeader({ ...v2, error: "invalid_exact_evm_signature" }),
        "not json",
      ),
    ).toEqual({ reason: "invalid_exact_evm_signature" });
    expect(
      parseSettlement(encodeJsonHeader({ success: true, transaction: "0xabc", network: "base" })),
    ).toMatchObject({ success: true });
    expect(() => parseSettlement(encodeJsonHeader({ ok: 1 }))).toThrow(ProtocolError);
    // a metered (upto) settlement names what was charged; it must be atomic units
    const metered = { success: true, transaction: "0xabc", network: "base", amount: "1234" };
    expect(parseSettlement(encodeJsonHeader(metered))).toMatchObject({ amount: "1234" });
    // a batch-settlement voucher's answer may carry it empty: still a settlement
    expect(parseSettlement(encodeJsonHeader({ ...metered, amount: "" }))).toMatchObject({
      success: true,
    });
  });
});

describe("sign-in messages", () => {
  it("match the @x402/extensions formatter line for line, with an EIP-55 address", async () => {
    const { formatSIWEMessage } = await import("@x402/extensions/sign-in-with-x");
    const { getAddress } = await import("viem");
    const { formatSiweMessage, toChecksumAddress } = await import("../src/siwx");
    const address = toChecksumAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    expect(address).toBe(getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906"));
    const info = {
      domain: "gw.example",
      uri: "https://gw.example/mer_x/api/pass/a",
      version: "1",
      nonce: "a1b2c3d4e5f60718",
      issuedAt: "2026-11-26T10:00:00.000Z",
      statement: "Use your pass",
      resources: ["https://gw.example/mer_x/api/pass/a"],
    };
    expect(formatSiweMessage({ ...info, address, chainId: 84532 })).toBe(
      formatSIWEMessage({ ...info, chainId: "eip155:84532", type: "eip191" } as never, address),
    );
    const bare = {
      domain: "gw.example",
      uri: "https://gw.example/x",
      version: "1",
      nonce: "a1b2c3d4e5f60718",
      issuedAt: "2026-11-26T10:00:00.000Z",
    };
    expect(formatSiweMessage({ ...bare, address, chainId: 8453 })).toBe(
      formatSIWEMessage({ ...bare, chainId: "eip155:8453", type: "eip191" } as never, address),
    );
  });
});
