import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { X402Client } from "@/sdk/src";
import { listTransactions, listTransactionsInput } from "@/server/billing/transactions";
import { merchantStatement } from "@/server/billing/statements";
import { validationTextIn } from "@/server/i18n/validation-text";
import { AppError } from "@/server/errors";
import { discoverableEndpoints } from "@/server/discovery/resources";
import { explainRuleMatch } from "@/server/gateway/explain-route";
import { handleGatewayNode } from "@/server/gateway/handle-request";
import { getNetworkRegistry } from "@/server/networks/config";
import { createPricingRule, listPricingRules, updatePricingRule } from "@/server/pricing/rules";
import type { PricingRuleInput } from "@/server/pricing/schemas";
import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
  type Requirements,
} from "@/server/testing/gateway-harness";
import { merchantOwner, useTestDatabase } from "@/server/testing/int";

// Several accepts per route (issue 22): a rule priced in the local test USDC (0.01) that also takes
// a second EIP-3009 token on the same anvil (TUSD, 0.02). Both are real contracts; every payment
// below moves real tokens, or is refused before anything is reserved.

const database = useTestDatabase();
let h: GatewayHarness;
let gateway: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  const second = inject("chain").secondTokenAddress.toLowerCase();
  h = await createGatewayHarness(database.db, {
    secondAsset: true,
    rules: [
      {
        pathPattern: "/api/signal/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        paymentOptions: [{ network: "eip155:84532", asset: second, price: "0.02" }],
      },
      {
        pathPattern: "/api/bundle/*",
        method: "GET",
        price: "0.03",
        network: "",
        asset: "",
        billingMode: "BUNDLE",
        bundleSize: 2,
        paymentOptions: [{ network: "eip155:84532", asset: second, price: "0.05" }],
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

/** A payer holding both tokens. */
async function payerWithBoth() {
  const payer = await h.newPayer("10");
  await h.mint(h.secondToken, payer, "10");
  return payer;
}

const paymentRows = (payer: Address) =>
  database.db.payment.findMany({
    where: { merchantId: h.merchant.id, payer: payer.toLowerCase() },
    orderBy: { createdAt: "asc" },
  });

describe("a rule with two payment options", () => {
  it("offers both in its 402, in order, in the v2 header and the v1 body", async () => {
    const offers = await h.offersFor("/api/signal/btc");
    expect(offers.map((o) => [o.network, o.asset, o.amount])).toEqual([
      [h.network, h.token, "10000"],
      [h.network, h.secondToken, "20000"],
    ]);
    const res = await h.call("/api/signal/btc");
    const body = (await res.json()) as {
      x402Version: number;
      accepts: { network: string; asset: string; maxAmountRequired: string }[];
    };
    expect(body.x402Version).toBe(1);
    expect(body.accepts.map((a) => [a.network, a.asset, a.maxAmountRequired])).toEqual([
      ["base-sepolia", h.token, "10000"],
      ["base-sepolia", h.secondToken, "20000"],
    ]);

    // the discovery list and the console's "which rule matches?" offer the same two
    const listed = (await discoverableEndpoints(h.deps)).find(
      (e) => e.route.merchant.id === h.merchant.id && e.rule.pathPattern === "/api/signal/*",
    );
    expect(listed?.item.accepts.map((a) => a.asset)).toEqual([h.token, h.secondToken]);
    const explained = await explainRuleMatch(h.deps, {
      merchantId: h.merchant.id,
      method: "GET",
      path: "/api/signal/btc",
    });
    const v2 = explained.paymentRequired?.v2 as { accepts: { asset: string }[] } | undefined;
    expect(v2?.accepts.map((a) => a.asset)).toEqual([h.token, h.secondToken]);
    expect(explained.rule?.paymentOptions).toMatchObject([{ asset: h.secondToken, price: "0.02" }]);
  });

  it("@x402/fetch choosing the second option settles in that token, and the ledger records it", async () => {
    const payer = await payerWithBoth();
    const client = new x402Client((_version, accepts) => {
      const second = accepts.find((a) => a.asset.toLowerCase() === h.secondToken);
      if (!second) throw new Error("the second option is not offered");
      return second;
    });
    registerExactEvmScheme(client, { signer: payer });
    client.setSpendControls({
      allowedAssets: [h.token, h.secondToken].map((asset) => ({
        network: h.network as `${string}:${string}`,
        asset,
        maxAmountPerPayment: "1000000",
      })),
    });
    const before = {
      usdc: await h.balanceOf(h.merchantWallet),
      tusd: await h.balanceOf(h.merchantWallet, h.secondToken),
    };

    const res = await wrapFetchWithPayment(
      fetch,
      client,
    )(`${gateway.url}/${h.merchant.id}/api/signal/btc`);
    expect(res.status).toBe(200);
    const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
    expect(settlement).toMatchObject({ success: true, network: h.network });
    expect(await h.balanceOf(h.merchantWallet, h.secondToken)).toBe(before.tusd + 20_000n);
    expect(await h.balanceOf(h.merchantWallet)).toBe(before.usdc);

    const [payment] = await paymentRows(payer.address);
    expect(payment).toMatchObject({
      status: "SETTLED",
      network: h.network,
      asset: h.secondToken,
      txHash: settlement.transaction.toLowerCase(),
    });
    expect(payment?.amountAtomic.toFixed()).toBe("20000");
    expect(payment?.requiredAmountAtomic.toFixed()).toBe("20000");
    const charge = await database.db.ledgerEntry.findFirstOrThrow({
      where: { merchantId: h.merchant.id, paymentId: payment!.id, type: "CHARGE" },
    });
    expect(charge).toMatchObject({ network: h.network, asset: h.secondToken });

    // what the console shows: the transaction in TUSD, and a statement line per asset
    const { items } = await listTransactions(h.deps, {
      merchantId: h.merchant.id,
      ...listTransactionsInput.parse({}),
    });
    expect(items.find((t) => t.id === payment!.id)).toMatchObject({
      asset: h.secondToken,
      assetSymbol: "TUSD",
      amountAtomic: "20000",
    });
    const statement = await merchantStatement(
      { db: database.db, networks: getNetworkRegistry(h.deps.env), now: () => new Date() },
      { merchantId: h.merchant.id },
    );
    expect(statement.lines.find((l) => l.asset === h.secondToken)).toMatchObject({
      symbol: "TUSD",
      paidCalls: 1,
    });
  });

  it("our SDK pays with either option: the first it may pay, by the assets it is given", async () => {
    const payer = await payerWithBoth();
    const sdk = (asset: { address: string; symbol: string }) =>
      new X402Client({
        endpoint: gateway.url,
        merchantId: h.merchant.id,
        wallet: payer,
        maxAmount: { [asset.symbol]: "0.10" },
        assets: [{ network: h.network, address: asset.address, symbol: asset.symbol, decimals: 6 }],
      });

    const first = await sdk({ address: h.token, symbol: "USDC" }).request({
      path: "/api/signal/eth",
    });
    expect(first.payment).toMatchObject({ success: true, quote: { asset: h.token } });
    const second = await sdk({ address: h.secondToken, symbol: "TUSD" }).request({
      path: "/api/signal/eth",
    });
    expect(second.payment).toMatchObject({
      success: true,
      quote: { asset: h.secondToken, amountAtomic: 20_000n },
    });
    const rows = await paymentRows(payer.address);
    expect(rows.map((p) => [p.status, p.asset, p.amountAtomic.toFixed()])).toEqual([
      ["SETTLED", h.token, "10000"],
      ["SETTLED", h.secondToken, "20000"],
    ]);
  });

  it("refuses a forged payment for an option the rule does not offer, before anything is reserved", async () => {
    const payer = await payerWithBoth();
    const [offered] = await h.offersFor("/api/signal/btc");
    // a real token on this chain, and a real signature, but not an option of this rule
    const forged: Requirements = { ...offered!, asset: h.secondToken, amount: "10000" };
    const wrongToken = "0x000000000000000000000000000000000000dead";
    for (const [requirements, reason] of [
      [{ ...offered!, asset: wrongToken }, "asset_mismatch"],
      [{ ...offered!, network: "eip155:8453" }, "invalid_exact_evm_network_mismatch"],
      [forged, "invalid_exact_evm_payload_authorization_value_mismatch"],
    ] as const) {
      const { header } = await h.signPayment(payer, requirements);
      const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
      expect(res.status).toBe(402);
      expect(await res.json()).toMatchObject({ x402Version: 2, error: reason });
    }
    expect(await paymentRows(payer.address)).toEqual([]);
  });

  it("refuses the second option paid at the first option's price (and nothing moves)", async () => {
    const payer = await payerWithBoth();
    const [, second] = await h.offersFor("/api/signal/btc");
    const before = await h.balanceOf(payer.address, h.secondToken);
    const { header } = await h.signPayment(payer, second!, { value: "10000" });
    const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: string; accepts: unknown[] };
    expect(body.error).toBe("invalid_exact_evm_payload_authorization_value_mismatch");
    // the refusal still offers every option
    expect(body.accepts).toHaveLength(2);
    expect(await h.balanceOf(payer.address, h.secondToken)).toBe(before);
    expect(await paymentRows(payer.address)).toEqual([]);
  });

  it("v1: a payment in the second token at its price is matched to it and settled there", async () => {
    const payer = await payerWithBoth();
    const [, second] = await h.offersFor("/api/signal/btc");
    const before = await h.balanceOf(h.merchantWallet, h.secondToken);
    const { header } = await h.signPayment(payer, second!, {}, 1);
    const res = await h.call("/api/signal/btc", { headers: { "x-payment": header } });
    expect(res.status).toBe(200);
    expect(await h.balanceOf(h.merchantWallet, h.secondToken)).toBe(before + 20_000n);
    const [payment] = await paymentRows(payer.address);
    expect(payment).toMatchObject({ status: "SETTLED", x402Version: 1, asset: h.secondToken });
  });

  it("a bundle bought with the second option grants the same calls", async () => {
    const payer = await payerWithBoth();
    const [, second] = await h.offersFor("/api/bundle/a");
    expect(second).toMatchObject({ asset: h.secondToken, amount: "50000" });
    const { header } = await h.signPayment(payer, second!);
    const res = await h.call("/api/bundle/a", { headers: { "payment-signature": header } });
    expect(res.status).toBe(200);
    const entitlement = await database.db.entitlement.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(entitlement).toMatchObject({ callsTotal: 2, callsRemaining: 1 });

    // our SDK buys the same bundle in the second token, then spends it by signing in, unpaid
    const buyer = await payerWithBoth();
    const sdk = new X402Client({
      // in process, so the gateway's public origin (its sign-in domain) is the URL the client calls
      endpoint: GATEWAY_ORIGIN,
      merchantId: h.merchant.id,
      wallet: buyer,
      maxAmount: { TUSD: "0.10" },
      assets: [{ network: h.network, address: h.secondToken, symbol: "TUSD", decimals: 6 }],
      fetch: (input, init) => {
        const url = new URL(String(input));
        return h.call(url.pathname.slice(h.merchant.id.length + 1) + url.search, init);
      },
    });
    const bought = await sdk.request({ path: "/api/bundle/x" });
    expect(bought.payment).toMatchObject({ quote: { asset: h.secondToken, amount: "0.05" } });
    const reused = await sdk.request({ path: "/api/bundle/y" });
    expect(reused.payment).toBeNull();
    expect(reused.entitlement).toMatchObject({ mode: "bundle", remaining: 0 });
  });
});

describe("a rule's payment options are validated and kept per merchant", () => {
  const base = (over: Partial<PricingRuleInput> = {}): PricingRuleInput => ({
    pathPattern: `/api/validated/${Math.random().toString(36).slice(2)}`,
    method: "GET" as const,
    price: "0.01",
    network: h.network,
    asset: h.token,
    ...over,
  });
  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    // field errors are validation keys; their English text is what the assertions read
    const { fieldErrors = {} } = ((err as AppError).details ?? {}) as {
      fieldErrors?: Record<string, string[]>;
    };
    return Object.fromEntries(
      Object.entries(fieldErrors).map(([k, v]) => [k, v.map((m) => validationTextIn("en", m))]),
    );
  };

  it("refuses an unknown asset, a duplicate of the rule's own, too many decimals, and a zero price", async () => {
    const owner = await merchantOwner(database.db, h.merchant.id);
    const create = (paymentOptions: { network: string; asset: string; price: string }[]) =>
      createPricingRule(h.deps, {
        merchantId: h.merchant.id,
        actor: { userId: owner.id, role: "OWNER" },
        input: base({ paymentOptions }),
      });
    for (const [options, says] of [
      [
        [{ network: h.network, asset: "0x036cbd53842c5426634e7929541ec2318f3dcf7e", price: "1" }],
        "not a supported asset",
      ],
      [[{ network: "eip155:1", asset: h.secondToken, price: "1" }], "unknown network"],
      [[{ network: h.network, asset: h.token, price: "0.02" }], "already offers"],
      [
        [
          { network: h.network, asset: h.secondToken, price: "0.02" },
          { network: h.network, asset: h.secondToken, price: "0.03" },
        ],
        "already offers",
      ],
      [[{ network: h.network, asset: h.secondToken, price: "0.0000001" }], "decimal"],
      [[{ network: h.network, asset: h.secondToken, price: "0" }], "above zero"],
    ] as const) {
      const details = await refusal(create([...options]));
      expect(JSON.stringify(details)).toContain(says);
    }
  });

  it("updates replace the options; an update without them keeps them; another merchant never sees them", async () => {
    const owner = await merchantOwner(database.db, h.merchant.id);
    const actor = { userId: owner.id, role: "OWNER" as const };
    const input = base({
      paymentOptions: [{ network: h.network, asset: h.secondToken, price: "0.5" }],
    });
    const rule = await createPricingRule(h.deps, { merchantId: h.merchant.id, actor, input });
    expect(rule.paymentOptions).toEqual([
      {
        network: h.network,
        asset: h.secondToken,
        assetSymbol: "TUSD",
        assetDecimals: 6,
        priceAtomic: "500000",
        price: "0.5",
      },
    ]);
    const { paymentOptions: _kept, ...withoutOptions } = input;
    const kept = await updatePricingRule(h.deps, {
      merchantId: h.merchant.id,
      ruleId: rule.id,
      actor,
      input: { ...withoutOptions, price: "0.02" },
    });
    expect(kept.paymentOptions).toHaveLength(1);
    const cleared = await updatePricingRule(h.deps, {
      merchantId: h.merchant.id,
      ruleId: rule.id,
      actor,
      input: { ...input, paymentOptions: [] },
    });
    expect(cleared.paymentOptions).toEqual([]);
    expect(await database.db.pricingRuleOption.count({ where: { ruleId: rule.id } })).toBe(0);

    const other = await createGatewayHarness(database.db, { secondAsset: true, rules: [] });
    try {
      expect(await listPricingRules(other.deps, { merchantId: other.merchant.id })).toEqual([]);
      const otherOwner = await merchantOwner(database.db, other.merchant.id);
      await refusal(
        updatePricingRule(other.deps, {
          merchantId: other.merchant.id,
          ruleId: rule.id,
          actor: { userId: otherOwner.id, role: "OWNER" },
          input: { ...input, paymentOptions: [] },
        }),
      );
    } finally {
      await other.close();
    }
  });
});
