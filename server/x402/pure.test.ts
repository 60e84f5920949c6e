import { PaymentRequiredV1Schema, PaymentRequiredV2Schema } from "@x402/core/schemas";
import { describe, expect, it } from "vitest";

import { Prisma } from "@/server/db";
import type { NetworkConfig } from "@/server/networks/config";

import { checkPaymentForRoute } from "./check-payment";
import { decodePaymentHeader, encodePaymentResponse } from "./payment-header";
import { renderPaywall } from "./paywall";
import {
  paymentRequiredBody,
  paymentRequiredV2,
  requirementsV1,
  type PricedRoute,
} from "./requirements";

const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const PAY_TO = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const PAYER = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
const NOW = 1_800_000_000;

function network(v1Name?: string): NetworkConfig {
  return {
    id: "eip155:84532",
    chainId: 84532,
    name: "Base Sepolia (local anvil)",
    v1Name,
    testnet: true,
    assets: [
      { address: TOKEN, symbol: "USDC", decimals: 6, eip712: { name: "USD Coin", version: "2" } },
    ],
  };
}

function route(v1Name: string | null = "base-sepolia"): PricedRoute {
  const n = network(v1Name ?? undefined);
  return {
    merchant: { id: "mer_aaaaaaaaaaaaaaaaaaaa", name: "Signals <Inc>" },
    rule: {
      id: "rule_1",
      priceAtomic: new Prisma.Decimal(10_000),
      description: null,
      billingMode: "PER_REQUEST",
      bundleSize: null,
      passDurationSeconds: null,
      settlementPolicy: "AFTER_SUCCESS",
      upstreamPath: null,
      pathPattern: "/api/signal/*",
      methods: ["ANY"],
      inputSchema: null,
      outputSchema: null,
      meteringHeader: null,
      meteringFallback: "CEILING",
    },
    network: n,
    asset: n.assets[0]!,
    payTo: PAY_TO,
    resourceUrl: "https://gw.example/mer_aaaaaaaaaaaaaaaaaaaa/api/signal/btc",
  };
}

function header(payload: unknown): Headers {
  return new Headers({
    "payment-signature": Buffer.from(JSON.stringify(payload)).toString("base64"),
  });
}

const authorization = (over: Record<string, string> = {}) => ({
  from: PAYER,
  to: PAY_TO,
  value: "10000",
  validAfter: String(NOW - 60),
  validBefore: String(NOW + 300),
  nonce: `0x${"ab".repeat(32)}`,
  ...over,
});

function v2Payload(
  over: {
    accepted?: Record<string, unknown>;
    auth?: Record<string, string>;
    resource?: string;
  } = {},
) {
  return {
    x402Version: 2,
    resource: { url: over.resource ?? route().resourceUrl },
    accepted: {
      scheme: "exact",
      network: "eip155:84532",
      asset: TOKEN,
      amount: "10000",
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: { name: "USD Coin", version: "2" },
      ...over.accepted,
    },
    payload: { signature: `0x${"11".repeat(65)}`, authorization: authorization(over.auth) },
  };
}

function decoded(payload: unknown) {
  const result = decodePaymentHeader(header(payload));
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.payment;
}

describe("402 bodies", () => {
  it("are valid under the official v1 and v2 schemas", () => {
    expect(
      PaymentRequiredV1Schema.safeParse(paymentRequiredBody(route(), { clientVersion: null }))
        .success,
    ).toBe(true);
    expect(
      PaymentRequiredV2Schema.safeParse(paymentRequiredV2(route(), "payment_replayed")).success,
    ).toBe(true);
  });

  it("fall back to the v2 shape on a network v1 cannot name", () => {
    expect(requirementsV1(route(null))).toBeNull();
    expect(paymentRequiredBody(route(null), { clientVersion: null })).toMatchObject({
      x402Version: 2,
      accepts: [{ network: "eip155:84532", amount: "10000" }],
    });
  });
});

describe("decodePaymentHeader", () => {
  it("reads PAYMENT-SIGNATURE before X-PAYMENT and keeps the payment identifier", () => {
    const payload = {
      ...v2Payload(),
      extensions: { "payment-identifier": { info: { id: "order_0123456789abcdef" } } },
    };
    const headers = header(payload);
    headers.set("x-payment", "garbage");
    const result = decodePaymentHeader(headers);
    expect(result).toMatchObject({
      kind: "ok",
      payment: { version: 2, network: "eip155:84532", paymentIdentifier: "order_0123456789abcdef" },
    });
  });

  it("returns none without a header and a stable reason for each malformation", () => {
    expect(decodePaymentHeader(new Headers())).toEqual({ kind: "none" });
    expect(decodePaymentHeader(new Headers({ "x-payment": "a".repeat(20_000) }))).toMatchObject({
      kind: "invalid",
      reason: "invalid_payload",
    });
    expect(decodePaymentHeader(header({ x402Version: 3 }))).toMatchObject({
      kind: "invalid",
      reason: "invalid_x402_version",
    });
    expect(
      decodePaymentHeader(
        header({ ...v2Payload(), accepted: { ...v2Payload().accepted, scheme: "deferred" } }),
      ),
    ).toMatchObject({ reason: "unsupported_scheme" });
    // upto is decoded (metered routes take it), and its payload must be a Permit2 authorization
    expect(
      decodePaymentHeader(
        header({ ...v2Payload(), accepted: { ...v2Payload().accepted, scheme: "upto" } }),
      ),
    ).toMatchObject({ reason: "invalid_payload" });
    expect(decodePaymentHeader(header(v2Payload({ auth: { nonce: "0x12" } })))).toMatchObject({
      reason: "invalid_payload",
      message: expect.stringContaining("authorization.nonce"),
    });
  });

  it("encodes the settlement header by protocol generation", () => {
    const settle = {
      success: true,
      transaction: "0xabc",
      network: "eip155:84532" as const,
      payer: PAYER,
    };
    expect(encodePaymentResponse(1, settle).name).toBe("X-PAYMENT-RESPONSE");
    const v2 = encodePaymentResponse(2, settle);
    expect(v2.name).toBe("PAYMENT-RESPONSE");
    expect(JSON.parse(Buffer.from(v2.value, "base64").toString())).toEqual(settle);
  });
});

describe("checkPaymentForRoute", () => {
  it("accepts a payment of exactly the price and hands the facilitator the requirements", () => {
    const check = checkPaymentForRoute(decoded(v2Payload()), route(), NOW);
    expect(check).toMatchObject({
      ok: true,
      amount: 10_000n,
      requirements: { amount: "10000", payTo: PAY_TO },
    });
  });

  // the official exact EVM scheme (@x402/evm 2.27) refuses any value other than the required amount
  it.each([
    ["twice the price", v2Payload({ auth: { value: "20000" } })],
    ["one unit over", v2Payload({ auth: { value: "10001" } })],
    ["an accepted amount other than the price", v2Payload({ accepted: { amount: "20000" } })],
  ])("refuses %s with the official value-mismatch reason", (_label, payload) => {
    expect(checkPaymentForRoute(decoded(payload), route(), NOW)).toMatchObject({
      ok: false,
      reason: "invalid_exact_evm_payload_authorization_value_mismatch",
    });
  });

  it.each([
    [
      "network",
      v2Payload({ accepted: { network: "eip155:8453" } }),
      "invalid_exact_evm_network_mismatch",
    ],
    [
      "asset",
      v2Payload({ accepted: { asset: "0x036cbd53842c5426634e7929541ec2318f3dcf7e" } }),
      "asset_mismatch",
    ],
    [
      "accepted payTo",
      v2Payload({ accepted: { payTo: PAYER } }),
      "invalid_exact_evm_recipient_mismatch",
    ],
    [
      "authorization to",
      v2Payload({ auth: { to: PAYER } }),
      "invalid_exact_evm_recipient_mismatch",
    ],
    ["resource", v2Payload({ resource: "https://elsewhere.example/x" }), "resource_mismatch"],
    [
      "amount",
      v2Payload({ auth: { value: "9999" } }),
      "invalid_exact_evm_payload_authorization_value_mismatch",
    ],
    [
      "expired",
      v2Payload({ auth: { validBefore: String(NOW + 3) } }),
      "invalid_exact_evm_payload_authorization_valid_before",
    ],
    [
      "not yet valid",
      v2Payload({ auth: { validAfter: String(NOW + 10) } }),
      "invalid_exact_evm_payload_authorization_valid_after",
    ],
  ])("refuses a wrong %s", (_label, payload, reason) => {
    expect(checkPaymentForRoute(decoded(payload), route(), NOW)).toMatchObject({
      ok: false,
      reason,
    });
  });

  it("matches v1 payments by network name, and refuses v1 where the network has none", () => {
    const v1 = {
      x402Version: 1,
      scheme: "exact",
      network: "base-sepolia",
      payload: { signature: `0x${"11".repeat(65)}`, authorization: authorization() },
    };
    expect(checkPaymentForRoute(decoded(v1), route(), NOW)).toMatchObject({
      ok: true,
      requirements: { network: "base-sepolia", maxAmountRequired: "10000" },
    });
    expect(checkPaymentForRoute(decoded(v1), route(null), NOW)).toMatchObject({
      ok: false,
      reason: "invalid_exact_evm_network_mismatch",
    });
  });
});

describe("the paywall page", () => {
  it("escapes the merchant's name and shows the price", () => {
    const html = renderPaywall(route(), {
      appUrl: "https://gw.example",
      path: "/api/signal/btc",
      locale: "en",
    });
    expect(html).toContain("Signals &lt;Inc&gt;");
    expect(html).not.toContain("Signals <Inc>");
    expect(html).toContain("0.01 USDC");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Pay in the playground");
    expect(html).toContain("<code>X-PAYMENT</code>");
    expect(html).toContain('<a href="https://gw.example/docs">docs</a>');
  });

  it("speaks Simplified Chinese for zh-CN, still escaping the merchant's name", () => {
    const html = renderPaywall(route(), {
      appUrl: "https://gw.example",
      path: "/api/signal/btc",
      locale: "zh-CN",
    });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("<title>需要支付 · Signals &lt;Inc&gt;</title>");
    expect(html).toContain("前往在线调试台支付");
    expect(html).toContain('<a href="https://gw.example/docs">开发文档</a>');
    expect(html).not.toContain("Pay in the playground");
  });
});
