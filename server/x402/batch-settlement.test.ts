import { describe, expect, it } from "vitest";

import {
  checkBatchPaymentForRoute,
  requirementsBatch,
  type BatchPayload,
} from "./batch-settlement";
import { decodePaymentHeader } from "./payment-header";
import type { PricedRoute } from "./requirements";

const PAY_TO = "0x1111111111111111111111111111111111111111";
const TOKEN = "0x2222222222222222222222222222222222222222";

const route = {
  merchant: { id: "mer_x", name: "M" },
  rule: {
    id: "rule_x",
    priceAtomic: "10000",
    description: null,
    billingMode: "PER_REQUEST",
    bundleSize: null,
    passDurationSeconds: null,
    settlementPolicy: "BATCH",
    upstreamPath: null,
    pathPattern: "/x",
    methods: ["GET"],
    inputSchema: null,
    outputSchema: null,
    meteringHeader: null,
    meteringFallback: "CEILING",
  },
  network: { id: "eip155:84532", name: "Base Sepolia" },
  asset: {
    address: TOKEN,
    symbol: "USDC",
    decimals: 6,
    eip712: { name: "USD Coin", version: "2" },
  },
  payTo: PAY_TO,
  resourceUrl: "http://g/mer_x/x",
  batchExtra: {
    receiverAuthorizer: "0x3333333333333333333333333333333333333333",
    withdrawDelay: 900,
  },
} as unknown as PricedRoute;

const voucher: BatchPayload = {
  type: "voucher",
  channelConfig: {
    payer: "0x4444444444444444444444444444444444444444",
    payerAuthorizer: "0x4444444444444444444444444444444444444444",
    receiver: PAY_TO,
    receiverAuthorizer: "0x3333333333333333333333333333333333333333",
    token: TOKEN,
    withdrawDelay: 900,
    salt: `0x${"00".repeat(32)}`,
  },
  voucher: { channelId: `0x${"ab".repeat(32)}`, maxClaimableAmount: "10000", signature: "0x01" },
};

describe("batch-settlement requirements and checks", () => {
  it("offers the price per call with the official part's fields", () => {
    expect(requirementsBatch(route)).toMatchObject({
      scheme: "batch-settlement",
      amount: "10000",
      payTo: PAY_TO,
      extra: { name: "USD Coin", version: "2", assetTransferMethod: "eip3009", withdrawDelay: 900 },
    });
  });

  it("accepts a voucher for this receiver and token", () => {
    expect(
      checkBatchPaymentForRoute(
        { scheme: "batch-settlement", network: "eip155:84532", batch: voucher },
        route,
      ).ok,
    ).toBe(true);
  });

  it.each([
    ["another scheme", { scheme: "exact", network: "eip155:84532" }, "unsupported_scheme"],
    [
      "another network",
      { scheme: "batch-settlement", network: "eip155:1", batch: voucher },
      "invalid_batch_settlement_evm_network_mismatch",
    ],
    [
      "another receiver",
      {
        scheme: "batch-settlement",
        network: "eip155:84532",
        batch: { ...voucher, channelConfig: { ...voucher.channelConfig, receiver: TOKEN } },
      },
      "invalid_batch_settlement_evm_receiver_mismatch",
    ],
    [
      "another token",
      {
        scheme: "batch-settlement",
        network: "eip155:84532",
        batch: { ...voucher, channelConfig: { ...voucher.channelConfig, token: PAY_TO } },
      },
      "invalid_batch_settlement_evm_token_mismatch",
    ],
  ])("refuses %s", (_name, payment, reason) => {
    const check = checkBatchPaymentForRoute(payment as never, route);
    expect(check).toMatchObject({ ok: false, reason });
  });
});

describe("decoding a batch-settlement payment header", () => {
  const encode = (payload: unknown) => ({
    get: (name: string) =>
      name === "payment-signature"
        ? Buffer.from(
            JSON.stringify({
              x402Version: 2,
              accepted: {
                scheme: "batch-settlement",
                network: "eip155:84532",
                asset: TOKEN,
                amount: "10000",
                payTo: PAY_TO,
                maxTimeoutSeconds: 30,
                extra: {},
              },
              payload,
            }),
          ).toString("base64")
        : null,
  });

  it("reads the voucher and the payer", () => {
    const decoded = decodePaymentHeader(encode(voucher));
    expect(decoded.kind).toBe("ok");
    if (decoded.kind !== "ok") return;
    expect(decoded.payment.batch?.type).toBe("voucher");
    expect(decoded.payment.exact.authorization.from).toBe(voucher.channelConfig.payer);
  });

  it("refuses a malformed voucher with invalid_payload", () => {
    const decoded = decodePaymentHeader(encode({ ...voucher, voucher: { channelId: "0x1" } }));
    expect(decoded).toMatchObject({ kind: "invalid", reason: "invalid_payload" });
  });

  it("refuses a refund payload (not offered by this gateway) with invalid_payload", () => {
    const decoded = decodePaymentHeader(encode({ ...voucher, type: "refund" }));
    expect(decoded).toMatchObject({ kind: "invalid", reason: "invalid_payload" });
  });
});
