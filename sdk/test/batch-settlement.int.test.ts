import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handleGatewayNode } from "@/server/gateway/handle-request";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { officialScheme, X402Client } from "../src";

// Our SDK paying a BATCH rule with the official batch-settlement client part (`officialScheme`):
// one deposit, then one voucher per call, each charged by the gateway; the channel's state lives in
// the official part and follows each PAYMENT-RESPONSE.

const database = useTestDatabase();
let h: GatewayHarness;
let gatewayUrl: string;
let closeGateway: () => Promise<void>;

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      {
        pathPattern: "/api/batch/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BATCH",
      },
    ],
  });
  const server = createServer((req, res) => {
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(h.runtime, req, res, { merchantId, origin: GATEWAY_ORIGIN });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeGateway = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterAll(async () => {
  await closeGateway?.();
  await h?.close();
});

describe("the SDK paying a batch-settlement rule", () => {
  it("pays each call with a voucher against one deposit, and every call is charged once", async () => {
    const payer = await h.newPayer("10");
    const client = new X402Client({
      endpoint: gatewayUrl,
      merchantId: h.merchant.id,
      wallet: payer,
      maxAmount: { USDC: "0.01" },
      assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
      schemes: [
        officialScheme(new BatchSettlementEvmScheme(toClientEvmSigner(payer, h.publicClient))),
      ],
    });
    for (let i = 0; i < 3; i++) {
      const res = await client.request({ path: `/api/batch/${i}` });
      expect(res.status).toBe(200);
      expect(res.payment).toMatchObject({ success: true });
    }
    const payments = await database.db.payment.findMany({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payments).toHaveLength(3);
    expect(
      payments.every((p) => p.status === "ACCRUED" && p.amountAtomic.toFixed() === "10000"),
    ).toBe(true);
    const channel = await database.db.batchChannel.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(channel.chargedCumulative.toFixed()).toBe("30000");
  });

  it("refuses a batch-settlement requirement it was not given a payer for", async () => {
    const payer = await h.newPayer("1");
    const client = new X402Client({
      endpoint: gatewayUrl,
      merchantId: h.merchant.id,
      wallet: payer,
      maxAmount: { USDC: "0.01" },
      assets: [{ network: h.network, address: h.token, symbol: "USDC", decimals: 6 }],
    });
    await expect(client.request({ path: "/api/batch/x" })).rejects.toMatchObject({
      code: "payment_required",
    });
  });
});
