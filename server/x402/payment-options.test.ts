import { PaymentRequiredV1Schema, PaymentRequiredV2Schema } from "@x402/core/schemas";
import { describe, expect, it } from "vitest";

import { Prisma } from "@/server/db";
import { NetworkRegistry, type NetworkConfig } from "@/server/networks/config";

import { checkPaymentForRoute } from "./check-payment";
import { decodePaymentHeader } from "./payment-header";
import { renderPaywall } from "./paywall";
import {
  describeOffer,
  paymentRequiredBody,
  paymentRequiredV2,
  pricedRouteOf,
} from "./requirements";

// A rule with further payment options: one `accepts` entry per option, in order, and a payment
// checked against the option its buyer chose.

const USDC = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const TUSD = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const TPUSD = "0x7e57000000000000000000000000000000000002";
const BASE_USDC = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
const PAY_TO = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const PAYER = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
const NOW = 1_800_000_000;
const EIP712 = { name: "USD Coin", version: "2" };

const local: NetworkConfig = {
  id: "eip155:84532",
  chainId: 84532,
  name: "Base Sepolia (local anvil)",
  v1Name: "base-sepolia",
  testnet: true,
  assets: [
    { address: USDC, symbol: "USDC", decimals: 6, eip712: EIP712 },
    { address: TUSD, symbol: "TUSD", decimals: 6, eip712: EIP712 },
    {
      address: TPUSD,
      symbol: "TPUSD",
      decimals: 6,
      eip712: { name: "Test Plain USD", version: "1" },
      transferMethod: "permit2",
    },
  ],
};
// a network v1 clients cannot name
const noV1: NetworkConfig = {
  id: "eip155:8453",
  chainId: 8453,
  name: "Base",
  testnet: false,
  assets: [{ address: BASE_USDC, symbol: "USDC", decimals: 6, eip712: EIP712 }],
};
const registry = new NetworkRegistry([local, noV1]);

const ruleFields = {
  id: "rule_1",
  description: null,
  billingMode: "PER_REQUEST" as const,
  bundleSize: null,
  passDurationSeconds: null,
  settlementPolicy: "AFTER_SUCCESS" as const,
  upstreamPath: null,
  pathPattern: "/api/signal/*",
  methods: ["ANY" as const],
  inputSchema: null,
  outputSchema: null,
  meteringHeader: null,
  meteringFallback: "CEILING" as const,
};
const option = (network: string, asset: string, price: number) => ({
  network,
  asset,
  priceAtomic: new Prisma.Decimal(price),
});
const at = {
  merchant: { id: "mer_aaaaaaaaaaaaaaaaaaaa", name: "Signals" },
  payTo: PAY_TO,
  resourceUrl: "https://gw.example/mer_aaaaaaaaaaaaaaaaaaaa/api/signal/btc",
};

/** USDC 0.01 first, then TUSD 0.02 on the same network, then USDC 0.03 on Base. */
function twoAssetRoute() {
  const route = pricedRouteOf(
    registry,
    {
      ...ruleFields,
      ...option("eip155:84532", USDC, 10_000),
      paymentOptions: [
        option("eip155:84532", TUSD, 20_000),
        option("eip155:8453", BASE_USDC, 30_000),
      ],
    },
    at,
  );
  if (!route) throw new Error("expected a priced route");
  return route;
}

function paid(accepted: Record<string, unknown>, value: string) {
  const payload = {
    x402Version: 2,
    resource: { url: at.resourceUrl },
    accepted: {
      scheme: "exact",
      network: "eip155:84532",
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: EIP712,
      ...accepted,
    },
    payload: {
      signature: `0x${"11".repeat(65)}`,
      authorization: {
        from: PAYER,
        to: PAY_TO,
        value,
        validAfter: String(NOW - 60),
        validBefore: String(NOW + 300),
        nonce: `0x${"ab".repeat(32)}`,
      },
    },
  };
  return decodeOk(payload, "payment-signature");
}

function paidV1(value: string, extra: Record<string, unknown> = {}) {
  return decodeOk(
    {
      x402Version: 1,
      scheme: "exact",
      network: "base-sepolia",
      ...extra,
      payload: {
        signature: `0x${"11".repeat(65)}`,
        authorization: {
          from: PAYER,
          to: PAY_TO,
          value,
          validAfter: String(NOW - 60),
          validBefore: String(NOW + 300),
          nonce: `0x${"cd".repeat(32)}`,
        },
      },
    },
    "x-payment",
  );
}

function decodeOk(payload: unknown, name: string) {
  const result = decodePaymentHeader(
    new Headers({ [name]: Buffer.from(JSON.stringify(payload)).toString("base64") }),
  );
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.payment;
}

describe("a rule's payment options in its 402", () => {
  it("lists one accepts entry per option, the rule's own first, in both generations", () => {
    const route = twoAssetRoute();
    const v2 = paymentRequiredV2(route);
    expect(PaymentRequiredV2Schema.safeParse(v2).success).toBe(true);
    expect(v2.accepts.map((a) => [a.network, a.asset, a.amount])).toEqual([
      ["eip155:84532", USDC, "10000"],
      ["eip155:84532", TUSD, "20000"],
      ["eip155:8453", BASE_USDC, "30000"],
    ]);
    const v1 = paymentRequiredBody(route, { clientVersion: null });
    expect(PaymentRequiredV1Schema.safeParse(v1).success).toBe(true);
    // v1 names base-sepolia only: Base has no v1 name here, so its option is offered to v2 clients
    expect(
      v1.accepts.map((a) => [a.network, a.asset, "maxAmountRequired" in a && a.maxAmountRequired]),
    ).toEqual([
      ["base-sepolia", USDC, "10000"],
      ["base-sepolia", TUSD, "20000"],
    ]);
  });

  it("leaves out an option naming what the registry lacks, and prices nothing when the rule's own is unknown", () => {
    const route = pricedRouteOf(
      registry,
      {
        ...ruleFields,
        ...option("eip155:84532", USDC, 10_000),
        paymentOptions: [option("eip155:1", USDC, 1)],
      },
      at,
    );
    expect(route && paymentRequiredV2(route).accepts).toHaveLength(1);
    expect(
      pricedRouteOf(registry, { ...ruleFields, ...option("eip155:1", USDC, 1) }, at),
    ).toBeNull();
  });
});

describe("a payment checked against the option its buyer chose", () => {
  it("v2: the second option, at its price, is verified and settled in that asset", () => {
    const check = checkPaymentForRoute(
      paid({ asset: TUSD, amount: "20000" }, "20000"),
      twoAssetRoute(),
      NOW,
    );
    expect(check).toMatchObject({
      ok: true,
      amount: 20_000n,
      requirements: { network: "eip155:84532", asset: TUSD, amount: "20000" },
      route: { asset: { address: TUSD }, network: { id: "eip155:84532" } },
    });
  });

  it("v2: an option on another network is matched by its network", () => {
    const check = checkPaymentForRoute(
      paid({ network: "eip155:8453", asset: BASE_USDC, amount: "30000" }, "30000"),
      twoAssetRoute(),
      NOW,
    );
    expect(check).toMatchObject({
      ok: true,
      requirements: { network: "eip155:8453", asset: BASE_USDC },
    });
  });

  it.each([
    [
      "an asset the rule does not offer",
      paid({ asset: "0x036cbd53842c5426634e7929541ec2318f3dcf7e", amount: "10000" }, "10000"),
      "asset_mismatch",
    ],
    [
      "a network the rule does not offer",
      paid({ network: "eip155:10", asset: USDC, amount: "10000" }, "10000"),
      "invalid_exact_evm_network_mismatch",
    ],
    [
      "the second option at the first option's price",
      paid({ asset: TUSD, amount: "10000" }, "10000"),
      "invalid_exact_evm_payload_authorization_value_mismatch",
    ],
    [
      "the second option accepted at its price but authorized for another value",
      paid({ asset: TUSD, amount: "20000" }, "10000"),
      "invalid_exact_evm_payload_authorization_value_mismatch",
    ],
  ])("refuses %s", (_label, payment, reason) => {
    expect(checkPaymentForRoute(payment, twoAssetRoute(), NOW)).toMatchObject({
      ok: false,
      reason,
    });
  });

  it("v1: the network's option at the authorized value; the asset when the client names it", () => {
    expect(checkPaymentForRoute(paidV1("20000"), twoAssetRoute(), NOW)).toMatchObject({
      ok: true,
      requirements: { network: "base-sepolia", asset: TUSD, maxAmountRequired: "20000" },
    });
    expect(checkPaymentForRoute(paidV1("10000"), twoAssetRoute(), NOW)).toMatchObject({
      ok: true,
      requirements: { asset: USDC, maxAmountRequired: "10000" },
    });
    expect(
      checkPaymentForRoute(paidV1("20000", { asset: USDC }), twoAssetRoute(), NOW),
    ).toMatchObject({
      ok: false,
      reason: "invalid_exact_evm_payload_authorization_value_mismatch",
    });
    expect(checkPaymentForRoute(paidV1("5"), twoAssetRoute(), NOW)).toMatchObject({
      ok: false,
      reason: "invalid_exact_evm_payload_authorization_value_mismatch",
    });
  });
});

describe("the paywall page", () => {
  it("lists the further options under the rule's own price, in both languages", () => {
    const page = (locale: "en" | "zh-CN") =>
      renderPaywall(twoAssetRoute(), {
        appUrl: "https://gw.example",
        path: "/api/signal/btc",
        locale,
      });
    expect(page("en")).toContain("0.01 USDC");
    expect(page("en")).toContain("or 0.02 TUSD on Base Sepolia (local anvil)");
    expect(page("en")).toContain("or 0.03 USDC on Base");
    expect(page("zh-CN")).toContain("或 0.02 TUSD（Base Sepolia (local anvil)）");
  });
});

describe("describeOffer: a route's accepts as the playground and admin pages show them", () => {
  it("lists each accepts entry in order with its network name, symbol, amount and transfer method", () => {
    const route = pricedRouteOf(
      registry,
      {
        ...ruleFields,
        ...option("eip155:84532", USDC, 10_000),
        paymentOptions: [
          option("eip155:84532", TPUSD, 30_000),
          option("eip155:8453", BASE_USDC, 30_000),
        ],
      },
      at,
    );
    if (!route) throw new Error("expected a priced route");
    const described = describeOffer(route);
    const accepts = paymentRequiredV2(route).accepts;
    expect(described.map((o) => [o.network, o.asset, o.amountAtomic])).toEqual(
      accepts.map((a) => [a.network, a.asset, a.amount]),
    );
    expect(described).toEqual([
      expect.objectContaining({ scheme: "exact", symbol: "USDC", transferMethod: "eip3009" }),
      expect.objectContaining({
        networkName: "Base Sepolia (local anvil)",
        symbol: "TPUSD",
        transferMethod: "permit2",
      }),
      expect.objectContaining({ networkName: "Base", symbol: "USDC", amountAtomic: "30000" }),
    ]);
    // the Permit2 option is offered to v2 clients only
    expect(accepts[1]?.extra).toEqual({ assetTransferMethod: "permit2" });
  });

  it("a metered rule offers one upto entry through Permit2", () => {
    const route = pricedRouteOf(
      registry,
      { ...ruleFields, meteringHeader: "x-usage-amount", ...option("eip155:84532", USDC, 50_000) },
      at,
    );
    if (!route) throw new Error("expected a priced route");
    expect(describeOffer(route)).toEqual([
      expect.objectContaining({ scheme: "upto", amountAtomic: "50000", transferMethod: "permit2" }),
    ]);
  });
});
