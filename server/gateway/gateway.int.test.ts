import { PaymentRequiredV1Schema, PaymentRequiredV2Schema } from "@x402/core/schemas";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateKeyAccount } from "viem/accounts";

import { handleGatewayRequest } from "@/server/gateway/handle-request";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";
import { createPricingRule } from "@/server/pricing/rules";

const database = useTestDatabase();

// The same suite runs with the self-hosted facilitator in process, and with the hosted-facilitator
// adapter talking HTTP to our own standard facilitator API.
describe.each(["LOCAL", "HOSTED"] as const)(
  "the gateway with the %s facilitator",
  (facilitator) => {
    let h: GatewayHarness;
    let payer: PrivateKeyAccount;

    beforeAll(async () => {
      h = await createGatewayHarness(database.db, { facilitator });
      payer = await h.newPayer();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function paymentRow(nonce: string) {
      return database.db.payment.findFirst({
        where: { authorizationNonce: nonce.toLowerCase() },
        orderBy: { createdAt: "desc" },
      });
    }

    async function usageFor(paymentId: string) {
      await h.runtime.usage.flush();
      return database.db.usageRecord.findMany({ where: { paymentId } });
    }

    describe("resolving the merchant", () => {
      it("answers 404 with a JSON error for an unknown or malformed merchant id", async () => {
        for (const id of ["mer_00000000000000000000", "not-a-merchant"]) {
          const res = await handleGatewayRequest(
            h.runtime,
            new Request(`http://gateway.test/${id}/api/x`),
            { merchantId: id },
          );
          expect(res.status).toBe(404);
          expect(await res.json()).toMatchObject({
            error: { code: "merchant_not_found", message: "No merchant has this id" },
          });
        }
      });

      it("answers 403 for a merchant that is not ACTIVE, and serves again once it is", async () => {
        await database.db.merchant.update({
          where: { id: h.merchant.id },
          data: { status: "DISABLED" },
        });
        h.runtime.merchants.invalidate(h.merchant.id);
        const res = await h.call("/api/free/thing");
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({
          error: { code: "merchant_inactive", details: { status: "DISABLED" } },
        });
        await database.db.merchant.update({
          where: { id: h.merchant.id },
          data: { status: "ACTIVE" },
        });
        h.runtime.merchants.invalidate(h.merchant.id);
        expect((await h.call("/api/free/thing")).status).toBe(200);
      });
    });

    describe("the free path", () => {
      it("streams to upstream + path + query and back, with forwarding headers and without payment or platform auth", async () => {
        const res = await h.call("/api/free/btc?x=1&y=2", {
          headers: {
            "x-payment": "irrelevant",
            authorization: "Bearer the-upstreams-own-token",
            cookie: "next-auth.session-token=abc; theme=dark",
            "x-custom": "kept",
            connection: "keep-alive",
          },
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ path: "/api/free/btc", query: "?x=1&y=2" });
        // the gateway's origin may be the console's: the upstream sets no cookies there (response-isolation.int.test.ts)
        expect(res.headers.get("set-cookie")).toBeNull();
        const seen = h.upstream.seen.at(-1);
        expect(seen?.headers["x-payment"]).toBeUndefined();
        // the buyer's own credentials for the upstream pass; the platform's (keys, session cookie) never do
        expect(seen?.headers.authorization).toBe("Bearer the-upstreams-own-token");
        expect(seen?.headers.cookie).toBe("theme=dark");
        expect(seen?.headers["x-custom"]).toBe("kept");
        expect(seen?.headers["x-forwarded-host"]).toBe("gateway.test");
        expect(seen?.headers["x-request-id"]).toMatch(/.{8,}/);
        await h.runtime.usage.flush();
        const usage = await database.db.usageRecord.findFirst({
          where: { merchantId: h.merchant.id, path: "/api/free/btc" },
        });
        expect(usage).toMatchObject({ status: "FREE", httpStatus: 200, upstreamStatus: 200 });
      });

      it("refuses a body over the limit with 413", async () => {
        const res = await h.call("/api/free/upload", {
          method: "POST",
          body: "x".repeat(1024 * 1024 + 1),
          headers: { "content-length": String(1024 * 1024 + 1) },
        });
        expect(res.status).toBe(413);
        expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
      });
    });

    describe("402 Payment Required", () => {
      it("answers an unpaid call with a v1 body and a v2 header, both valid under the official schemas", async () => {
        const res = await h.call("/api/signal/btc");
        expect(res.status).toBe(402);
        const body = await res.json();
        expect(PaymentRequiredV1Schema.safeParse(body).success).toBe(true);
        expect(body).toMatchObject({
          x402Version: 1,
          accepts: [
            {
              scheme: "exact",
              network: "base-sepolia",
              maxAmountRequired: "10000",
              payTo: h.merchantWallet,
              asset: h.token,
              resource: h.url("/api/signal/btc"),
              extra: { name: "USD Coin", version: "2" },
            },
          ],
        });
        const v2 = JSON.parse(
          Buffer.from(res.headers.get("payment-required") ?? "", "base64").toString("utf8"),
        );
        expect(PaymentRequiredV2Schema.safeParse(v2).success).toBe(true);
        expect(v2).toMatchObject({
          x402Version: 2,
          resource: { url: h.url("/api/signal/btc") },
          accepts: [{ network: h.network, amount: "10000", asset: h.token }],
        });
      });

      it("shows a browser a paywall page that links to the playground", async () => {
        const res = await h.call("/api/signal/eth", {
          headers: { accept: "text/html,application/xhtml+xml" },
        });
        expect(res.status).toBe(402);
        expect(res.headers.get("content-type")).toContain("text/html");
        const html = await res.text();
        expect(html).toContain("0.01 USDC");
        expect(html).toContain(`/docs/playground?merchant=${h.merchant.id}`);
      });

      it("rejects malformed payment headers with a stable reason", async () => {
        const cases: [string, string][] = [
          ["%%%not-base64%%%", "invalid_payload"],
          [Buffer.from("{not json").toString("base64"), "invalid_payload"],
          [
            Buffer.from(JSON.stringify({ x402Version: 9 })).toString("base64"),
            "invalid_x402_version",
          ],
          [
            Buffer.from(
              JSON.stringify({
                x402Version: 1,
                scheme: "upto",
                network: "base-sepolia",
                payload: {},
              }),
            ).toString("base64"),
            "unsupported_scheme",
          ],
          [
            Buffer.from(
              JSON.stringify({
                x402Version: 1,
                scheme: "exact",
                network: "base-sepolia",
                payload: { signature: "0x00" },
              }),
            ).toString("base64"),
            "invalid_payload",
          ],
        ];
        for (const [header, reason] of cases) {
          const res = await h.call("/api/signal/btc", { headers: { "x-payment": header } });
          expect(res.status).toBe(402);
          expect((await res.json()).error).toBe(reason);
        }
      });
    });

    describe("a paid call", () => {
      it("verifies, proxies, settles and records: 200 with the upstream body and a decodable PAYMENT-RESPONSE", async () => {
        const requirements = await h.requirementsFor("/api/signal/btc");
        const before = await h.balanceOf(h.merchantWallet);
        const { header, nonce } = await h.signPayment(payer, requirements);
        const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          symbol: "BTC",
          paidBy: payer.address.toLowerCase(),
        });
        const settlement = decodePaymentResponseHeader(res.headers.get("payment-response") ?? "");
        expect(settlement).toMatchObject({
          success: true,
          network: h.network,
          payer: payer.address,
        });
        expect(settlement.transaction).toMatch(/^0x[0-9a-f]{64}$/);
        expect(await h.balanceOf(h.merchantWallet)).toBe(before + 10_000n);

        const payment = await paymentRow(nonce);
        expect(payment).toMatchObject({
          status: "SETTLED",
          txHash: settlement.transaction.toLowerCase(),
          payer: payer.address.toLowerCase(),
          facilitator,
        });
        expect(payment?.blockNumber).toBeGreaterThan(0n);
        const usage = await usageFor(payment!.id);
        expect(usage).toMatchObject([{ status: "CHARGED", httpStatus: 200, upstreamStatus: 200 }]);
        const ledger = await database.db.ledgerEntry.findMany({
          where: { paymentId: payment!.id },
        });
        // DIRECT: the payer paid the merchant's wallet, so the charge is paid out to it at once
        expect(ledger.map((e) => [e.type, e.amountAtomic.toString()]).sort()).toEqual([
          ["CHARGE", "10000"],
          ["PAYOUT", "-10000"],
        ]);
        const seen = h.upstream.seen.at(-1);
        expect(seen?.headers["payment-signature"]).toBeUndefined();
        expect(seen?.headers["x-x402-payment-id"]).toBe(payment!.id);
      });

      it("accepts a v1 X-PAYMENT and answers with X-PAYMENT-RESPONSE", async () => {
        const requirements = await h.requirementsFor("/api/echo", { method: "POST" });
        const { header } = await h.signPayment(payer, requirements, {}, 1);
        const res = await h.call("/api/echo", {
          method: "POST",
          body: JSON.stringify({ hello: "world" }),
          headers: { "x-payment": header, "content-type": "application/json" },
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({
          method: "POST",
          body: JSON.stringify({ hello: "world" }),
        });
        expect(
          decodePaymentResponseHeader(res.headers.get("x-payment-response") ?? ""),
        ).toMatchObject({ success: true, network: "base-sepolia" });
      });
    });

    describe("rejections: each a 402 with the reason, nothing charged", () => {
      it.each([
        [
          "wrong payTo",
          "invalid_exact_evm_recipient_mismatch",
          (r: Req) => ({
            tamper: { to: "0x000000000000000000000000000000000000dEaD" as const },
            req: r,
          }),
        ],
        [
          "too small an amount",
          "invalid_exact_evm_payload_authorization_value_mismatch",
          (r: Req) => ({ tamper: { value: "9999" }, req: r }),
        ],
        [
          "wrong asset",
          "asset_mismatch",
          (r: Req) => ({
            tamper: {},
            req: { ...r, asset: "0x036cbd53842c5426634e7929541ec2318f3dcf7e" },
          }),
        ],
        [
          "wrong network",
          "invalid_exact_evm_network_mismatch",
          (r: Req) => ({ tamper: {}, req: { ...r, network: "eip155:8453" } }),
        ],
        [
          "expired",
          "invalid_exact_evm_payload_authorization_valid_before",
          (r: Req) => ({
            tamper: { validBefore: BigInt(Math.floor(Date.now() / 1000) - 1) },
            req: r,
          }),
        ],
        [
          "not yet valid",
          "invalid_exact_evm_payload_authorization_valid_after",
          (r: Req) => ({
            tamper: { validAfter: BigInt(Math.floor(Date.now() / 1000) + 3600) },
            req: r,
          }),
        ],
      ])("%s → %s", async (_label, reason, build) => {
        const requirements = await h.requirementsFor("/api/signal/sol");
        const { tamper, req } = build(requirements);
        const { header } = await h.signPayment(payer, req, tamper);
        const before = await h.balanceOf(payer.address);
        const res = await h.call("/api/signal/sol", { headers: { "payment-signature": header } });
        expect(res.status).toBe(402);
        expect(await res.json()).toMatchObject({ x402Version: 2, error: reason });
        expect(await h.balanceOf(payer.address)).toBe(before);
      });

      it("bad signature → invalid_exact_evm_signature, and the reservation is released", async () => {
        const requirements = await h.requirementsFor("/api/signal/sol");
        const impostor = await h.newPayer("0");
        const { header, nonce } = await h.signPayment(payer, requirements, { signer: impostor });
        const res = await h.call("/api/signal/sol", { headers: { "payment-signature": header } });
        expect(res.status).toBe(402);
        expect((await res.json()).error).toBe("invalid_exact_evm_signature");
        expect(await paymentRow(nonce)).toMatchObject({
          status: "FAILED",
          reservationKey: null,
          errorReason: "invalid_exact_evm_signature",
        });
      });

      it("insufficient balance → invalid_exact_evm_insufficient_balance", async () => {
        const requirements = await h.requirementsFor("/api/signal/sol");
        const broke = await h.newPayer("0");
        const { header } = await h.signPayment(broke, requirements);
        const res = await h.call("/api/signal/sol", { headers: { "payment-signature": header } });
        expect(res.status).toBe(402);
        expect((await res.json()).error).toBe("invalid_exact_evm_insufficient_balance");
      });

      it("a replayed payment is refused after it was used", async () => {
        const requirements = await h.requirementsFor("/api/signal/btc");
        const { header } = await h.signPayment(payer, requirements);
        expect(
          (await h.call("/api/signal/btc", { headers: { "payment-signature": header } })).status,
        ).toBe(200);
        const again = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
        expect(again.status).toBe(402);
        expect((await again.json()).error).toBe("payment_replayed");
      });

      it("50 concurrent requests with one payment: exactly one is served and charged", async () => {
        const requirements = await h.requirementsFor("/api/signal/eth");
        const before = await h.balanceOf(h.merchantWallet);
        const { header, nonce } = await h.signPayment(payer, requirements);
        const responses = await Promise.all(
          Array.from({ length: 50 }, () =>
            h.call("/api/signal/eth", { headers: { "payment-signature": header } }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        expect(statuses.filter((s) => s === 402)).toHaveLength(49);
        const reasons = await Promise.all(
          responses.filter((r) => r.status === 402).map(async (r) => (await r.json()).error),
        );
        expect(new Set(reasons)).toEqual(new Set(["payment_replayed"]));
        await Promise.all(responses.filter((r) => r.status === 200).map((r) => r.text()));
        expect(await h.balanceOf(h.merchantWallet)).toBe(before + 10_000n);
        const rows = await database.db.payment.findMany({
          where: { authorizationNonce: nonce.toLowerCase() },
        });
        expect(rows.map((r) => r.status)).toEqual(["SETTLED"]);
      });
    });

    describe("upstream failures are not charged", () => {
      it("an upstream 500 passes through, the reservation is released and usage is FAILED", async () => {
        const requirements = await h.requirementsFor("/api/fail");
        const before = await h.balanceOf(payer.address);
        const { header, nonce } = await h.signPayment(payer, requirements);
        const res = await h.call("/api/fail", { headers: { "payment-signature": header } });
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ error: "upstream exploded" });
        expect(res.headers.get("payment-response")).toBeNull();
        expect(await h.balanceOf(payer.address)).toBe(before);
        const payment = await paymentRow(nonce);
        expect(payment).toMatchObject({
          status: "FAILED",
          reservationKey: null,
          errorReason: "upstream_error",
          txHash: null,
        });
        expect(await usageFor(payment!.id)).toMatchObject([
          { status: "FAILED", reason: "upstream_error", upstreamStatus: 500 },
        ]);
        // the unused authorization may be presented again (it was never spent)
        const retry = await h.call("/api/fail", { headers: { "payment-signature": header } });
        expect(retry.status).toBe(500);
        await retry.text();
      });

      it("an upstream timeout is a 504 JSON error, not charged, usage FAILED", async () => {
        await database.db.merchant.update({
          where: { id: h.merchant.id },
          data: { upstreamTimeoutMs: 300 },
        });
        h.runtime.merchants.invalidate(h.merchant.id);
        try {
          const requirements = await h.requirementsFor("/api/slow");
          const before = await h.balanceOf(payer.address);
          const { header, nonce } = await h.signPayment(payer, requirements);
          const res = await h.call("/api/slow?ms=3000", {
            headers: { "payment-signature": header },
          });
          expect(res.status).toBe(504);
          expect(await res.json()).toMatchObject({ error: { code: "upstream_timeout" } });
          expect(await h.balanceOf(payer.address)).toBe(before);
          const payment = await paymentRow(nonce);
          expect(payment).toMatchObject({ status: "FAILED", errorReason: "upstream_timeout" });
          expect(await usageFor(payment!.id)).toMatchObject([
            { status: "FAILED", reason: "upstream_timeout" },
          ]);
        } finally {
          await database.db.merchant.update({
            where: { id: h.merchant.id },
            data: { upstreamTimeoutMs: 15000 },
          });
          h.runtime.merchants.invalidate(h.merchant.id);
        }
      });

      it("charges an upstream error when the merchant asked for it", async () => {
        await database.db.merchant.update({
          where: { id: h.merchant.id },
          data: { chargeOnUpstreamError: true },
        });
        h.runtime.merchants.invalidate(h.merchant.id);
        try {
          const requirements = await h.requirementsFor("/api/fail");
          const { header, nonce } = await h.signPayment(payer, requirements);
          const res = await h.call("/api/fail", { headers: { "payment-signature": header } });
          expect(res.status).toBe(500);
          expect(res.headers.get("payment-response")).not.toBeNull();
          await res.text();
          expect(await paymentRow(nonce)).toMatchObject({ status: "SETTLED" });
        } finally {
          await database.db.merchant.update({
            where: { id: h.merchant.id },
            data: { chargeOnUpstreamError: false },
          });
          h.runtime.merchants.invalidate(h.merchant.id);
        }
      });
    });

    describe("settlement failure", () => {
      it("answers 402 with the facilitator's reason and records nothing as paid", async () => {
        // two authorizations from a payer who can afford one: both verify, the second cannot settle
        const payer2 = await h.newPayer("0.01");
        const requirements = await h.requirementsFor("/api/slow");
        const first = await h.signPayment(payer2, requirements);
        const second = await h.signPayment(payer2, requirements);
        const [a, b] = await Promise.all([
          h.call("/api/slow?ms=400", { headers: { "payment-signature": first.header } }),
          h.call("/api/slow?ms=400", { headers: { "payment-signature": second.header } }),
        ]);
        const results = await Promise.all(
          [a, b].map(async (r) => ({ status: r.status, body: await r.json() })),
        );
        const paid = results.filter((r) => r.status === 200);
        const refused = results.filter((r) => r.status === 402);
        expect(paid).toHaveLength(1);
        expect(refused).toHaveLength(1);
        // the facilitator's re-verify may catch it, or the chain reverts the transfer: either way, no money moved
        expect([
          "invalid_exact_evm_insufficient_balance",
          "invalid_exact_evm_transaction_failed",
        ]).toContain(refused[0]?.body.error);
        const rows = await database.db.payment.findMany({
          where: { authorizationNonce: { in: [first.nonce, second.nonce] } },
        });
        expect(rows.map((r) => r.status).sort()).toEqual(["FAILED", "SETTLED"]);
        const failed = rows.find((r) => r.status === "FAILED");
        expect(failed).toMatchObject({ txHash: null, reservationKey: null });
        expect(await database.db.ledgerEntry.count({ where: { paymentId: failed!.id } })).toBe(0);
        expect(await h.balanceOf(payer2.address)).toBe(0n);
      });
    });

    describe("configuration changes", () => {
      it("a new pricing rule applies to the very next request (the rule cache is invalidated)", async () => {
        const free = await h.call("/api/newly-priced/x");
        expect(free.status).toBe(200);
        await free.text();
        const owner = await database.db.membership.findFirstOrThrow({
          where: { merchantId: h.merchant.id, role: "OWNER" },
        });
        await createPricingRule(
          { db: database.db, env: h.runtime.env as never },
          {
            merchantId: h.merchant.id,
            actor: { userId: owner.userId, role: "OWNER" },
            input: {
              pathPattern: "/api/newly-priced/*",
              price: "0.02",
              network: h.network,
              asset: h.token,
            },
          },
        );
        const priced = await h.call("/api/newly-priced/x");
        expect(priced.status).toBe(402);
        expect((await priced.json()).accepts[0].maxAmountRequired).toBe("20000");
      });

      it("refuses an upstream that resolves to a private address when the deployment does not allow them", async () => {
        const env = h.runtime.env;
        h.runtime.env = { ...env, ALLOW_PRIVATE_UPSTREAMS: false };
        try {
          const res = await h.call("/api/free/ssrf");
          expect(res.status).toBe(502);
          expect(await res.json()).toMatchObject({ error: { code: "upstream_invalid" } });
        } finally {
          h.runtime.env = env;
        }
      });
    });

    describe("per-merchant rate limit", () => {
      it("answers 429 with Retry-After once the merchant's bucket is empty", async () => {
        await database.db.merchant.update({
          where: { id: h.merchant.id },
          data: { rateLimitPerMinute: 3 },
        });
        h.runtime.merchants.invalidate(h.merchant.id);
        try {
          const statuses: number[] = [];
          let retryAfter: string | null = null;
          for (let i = 0; i < 5; i++) {
            const res = await h.call("/api/free/limited");
            statuses.push(res.status);
            if (res.status === 429) retryAfter = res.headers.get("retry-after");
            await res.text();
          }
          expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
          expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
        } finally {
          await database.db.merchant.update({
            where: { id: h.merchant.id },
            data: { rateLimitPerMinute: 100000 },
          });
          h.runtime.merchants.invalidate(h.merchant.id);
        }
      });
    });
  },
);

type Req = Awaited<ReturnType<GatewayHarness["requirementsFor"]>>;
