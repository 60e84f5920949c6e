import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { ExactEvmScheme, registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { Address } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { X402Client } from "@/sdk/src";
import { getAdminMerchant } from "@/server/admin/merchants";
import { invalidateDiscovery } from "@/server/discovery/resources";
import { getPlaygroundSetup } from "@/server/playground/endpoints";
import { handleGatewayNode } from "@/server/gateway/handle-request";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
  type Requirements,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

// The exact scheme in a token without EIP-3009 (issue 22): a plain ERC-20 on anvil (TPUSD), offered
// beside the test USDC with `assetTransferMethod: "permit2"`. The payer approves Permit2 once, then
// signs a Permit2 transfer per call; the local facilitator settles it through the x402 exact Permit2
// proxy at its canonical address. Every payment below moves real tokens, or is refused.

const database = useTestDatabase();
let h: GatewayHarness;
let gateway: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    permit2Asset: true,
    rules: [
      {
        pathPattern: "/api/signal/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        paymentOptions: [
          {
            network: "eip155:84532",
            asset: "0x7e57000000000000000000000000000000000002",
            price: "0.03",
          },
        ],
      },
    ],
  });
  const server = createServer((req, res) => {
    const merchantId = (req.url ?? "").split("/")[1]?.split("?")[0] ?? "";
    void handleGatewayNode(h.runtime, req, res, { merchantId, origin: GATEWAY_ORIGIN });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterAll(async () => {
  await gateway?.close();
  await h?.close();
});

/** A payer holding the plain token that has made its one-time Permit2 approval. */
async function approvedPayer() {
  const payer = await h.newPayer("0");
  await h.mint(h.plainToken, payer, "10");
  await h.approvePermit2(h.plainToken, payer);
  return payer;
}

const paymentRows = (payer: Address) =>
  database.db.payment.findMany({
    where: { merchantId: h.merchant.id, payer: payer.toLowerCase() },
    orderBy: { createdAt: "asc" },
  });

/** A v2 payment header with the official client's Permit2 payload for these requirements, optionally tampered. */
async function permit2Header(
  payer: PrivateKeyAccount,
  requirements: Requirements,
  tamper: (payload: { permit2Authorization: Record<string, unknown> }) => void = () => undefined,
) {
  const { payload } = await new ExactEvmScheme(payer).createPaymentPayload(
    2,
    requirements as never,
  );
  tamper(payload as { permit2Authorization: Record<string, unknown> });
  return Buffer.from(JSON.stringify({ x402Version: 2, accepted: requirements, payload })).toString(
    "base64",
  );
}

async function plainOffer(): Promise<Requirements> {
  const offers = await h.offersFor("/api/signal/btc");
  const offer = offers.find((o) => o.asset === h.plainToken);
  if (!offer) throw new Error("the Permit2 option is not offered");
  return offer;
}

describe("exact through Permit2: a token without EIP-3009 as a payment option", () => {
  it("is offered with assetTransferMethod permit2 (v2 only: x402 v1 knows EIP-3009 alone)", async () => {
    const offers = await h.offersFor("/api/signal/btc");
    expect(offers.map((o) => [o.asset, o.amount, o.extra])).toEqual([
      [h.token, "10000", { name: "USD Coin", version: "2" }],
      [h.plainToken, "30000", { assetTransferMethod: "permit2" }],
    ]);
    const res = await h.call("/api/signal/btc");
    const body = (await res.json()) as { x402Version: number; accepts: { asset: string }[] };
    expect(body.x402Version).toBe(1);
    expect(body.accepts.map((a) => a.asset)).toEqual([h.token]);
  });

  it("@x402/fetch pays in the Permit2 token end to end, and the ledger records that asset", async () => {
    const payer = await approvedPayer();
    const client = new x402Client((_version, accepts) => {
      const plain = accepts.find((a) => a.asset.toLowerCase() === h.plainToken);
      if (!plain) throw new Error("the Permit2 option is not offered");
      return plain;
    });
    registerExactEvmScheme(client, { signer: payer });
    client.setSpendControls({
      allowedAssets: [
        {
          network: h.network as `${string}:${string}`,
          asset: h.plainToken,
          maxAmountPerPayment: "1000000",
        },
      ],
    });
    const before = await h.balanceOf(h.merchantWallet, h.plainToken);
    const payerBefore = await h.balanceOf(payer.address, h.plainToken);

    const res = await wrapFetchWithPayment(
      fetch,
      client,
    )(`${gateway.url}/${h.merchant.id}/api/signal/btc`);
    expect(res.status).toBe(200);
    const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, network: h.network });
    expect(await h.balanceOf(h.merchantWallet, h.plainToken)).toBe(before + 30_000n);
    expect(await h.balanceOf(payer.address, h.plainToken)).toBe(payerBefore - 30_000n);

    const [payment] = await paymentRows(payer.address);
    expect(payment).toMatchObject({
      status: "SETTLED",
      asset: h.plainToken,
      txHash: settlement.transaction.toLowerCase(),
    });
    expect(payment?.amountAtomic.toFixed()).toBe("30000");
    const charge = await database.db.ledgerEntry.findFirstOrThrow({
      where: { merchantId: h.merchant.id, paymentId: payment!.id, type: "CHARGE" },
    });
    expect(charge).toMatchObject({ network: h.network, asset: h.plainToken });
  });

  it("our SDK pays in the Permit2 token through the official client part", async () => {
    const payer = await approvedPayer();
    const sdk = new X402Client({
      endpoint: gateway.url,
      merchantId: h.merchant.id,
      wallet: payer,
      maxAmount: { TPUSD: "0.10" },
      assets: [{ network: h.network, address: h.plainToken, symbol: "TPUSD", decimals: 6 }],
    });
    const before = await h.balanceOf(h.merchantWallet, h.plainToken);
    const first = await sdk.request({ path: "/api/signal/eth" });
    expect(first.payment).toMatchObject({
      success: true,
      quote: { asset: h.plainToken, amountAtomic: 30_000n },
    });
    // a second call signs a fresh Permit2 nonce: no second approval
    await sdk.request({ path: "/api/signal/sol" });
    expect(await h.balanceOf(h.merchantWallet, h.plainToken)).toBe(before + 60_000n);
    const rows = await paymentRows(payer.address);
    expect(rows.map((p) => [p.status, p.asset, p.amountAtomic.toFixed()])).toEqual([
      ["SETTLED", h.plainToken, "30000"],
      ["SETTLED", h.plainToken, "30000"],
    ]);
  });

  it("refuses a wrong amount, a wrong spender, an expired permit and an EIP-3009 payload, reserving nothing", async () => {
    const payer = await approvedPayer();
    const offer = await plainOffer();
    const before = await h.balanceOf(payer.address, h.plainToken);
    const cases: [string, string][] = [
      [await permit2Header(payer, { ...offer, amount: "10000" }), "permit2_amount_mismatch"],
      [
        await permit2Header(payer, offer, (p) => {
          p.permit2Authorization.spender = "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002";
        }),
        "invalid_permit2_spender",
      ],
      // expired: a deadline already past (checked before the signature)
      [
        await permit2Header(payer, offer, (p) => {
          p.permit2Authorization.deadline = String(Math.floor(Date.now() / 1000) - 10);
        }),
        "permit2_deadline_expired",
      ],
      [
        await permit2Header(payer, offer, (p) => {
          p.permit2Authorization.witness = {
            ...(p.permit2Authorization.witness as object),
            to: payer.address,
          };
        }),
        "invalid_permit2_recipient_mismatch",
      ],
      [
        (await h.signPayment(payer, { ...offer, extra: { name: "Test Plain USD", version: "1" } }))
          .header,
        "invalid_asset_transfer_method",
      ],
    ];
    for (const [header, reason] of cases) {
      const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
      expect(res.status).toBe(402);
      expect(await res.json()).toMatchObject({ x402Version: 2, error: reason });
    }
    expect(await paymentRows(payer.address)).toEqual([]);
    expect(await h.balanceOf(payer.address, h.plainToken)).toBe(before);
  });

  it("refuses a payer who has not approved Permit2 (the facilitator's reason), and the ledger stays clean", async () => {
    const payer = await h.newPayer("0");
    await h.mint(h.plainToken, payer, "10");
    const header = await permit2Header(payer, await plainOffer());
    const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: "permit2_allowance_required" });
    const rows = await paymentRows(payer.address);
    expect(rows.every((p) => p.status !== "SETTLED" && p.status !== "VERIFIED")).toBe(true);
    expect(await h.balanceOf(payer.address, h.plainToken)).toBe(10_000_000n);
  });
});

describe("the playground and the admin merchant page show a route's ways to pay as its 402 does", () => {
  it("lists the same accepts entries, in order, with the Permit2 option marked", async () => {
    const offers = await h.offersFor("/api/signal/btc");
    const asShown = (o: { network: string; asset: string; amountAtomic: string }) => [
      o.network,
      o.asset,
      o.amountAtomic,
    ];
    const expected = offers.map((o) => [o.network, o.asset, o.amount]);

    invalidateDiscovery(h.deps);
    const playground = await getPlaygroundSetup(h.deps);
    const endpoint = playground.endpoints.find(
      (e) => e.merchantId === h.merchant.id && e.pattern === "/api/signal/*",
    );
    expect(endpoint?.options.map(asShown)).toEqual(expected);

    const admin = await getAdminMerchant(h.deps, { merchantId: h.merchant.id });
    const rule = admin.pricingRules.find((r) => r.pathPattern === "/api/signal/*");
    expect(rule?.offer.map(asShown)).toEqual(expected);
    expect(rule?.offer.map((o) => [o.symbol, o.transferMethod])).toEqual([
      ["USDC", "eip3009"],
      ["TPUSD", "permit2"],
    ]);
  });
});
