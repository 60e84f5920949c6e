import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createGatewayHarness,
  GATEWAY_ORIGIN,
  type GatewayHarness,
} from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";

import { handleGatewayNode } from "./handle-request";

// Issue 24 item 10: statuses an upstream may send that a fetch Response or node's writeHead refuse.
// A 205 with a body made `new Response` throw and a status over 599 made both throw, after the
// payment had settled: the buyer was charged and got a 500. Now a 205 is relayed without its body
// and a status outside 200–599 is an invalid upstream answer (502 upstream_invalid_response): not
// charged, or, when the rule settled before proxying, charged and recorded as owed back.

const database = useTestDatabase();
let h: GatewayHarness;
let odd: { url: string; close: () => Promise<void> };
let nodeGateway: { url: string; close: () => Promise<void> };

/** An upstream that answers /<anything>/<status> with that status and a body, whatever the status. */
async function startOddUpstream() {
  const server = http.createServer((req, res) => {
    const status = Number((req.url ?? "").split("?")[0]!.split("/").at(-1));
    res.writeHead(status, { "content-type": "text/plain" });
    res.end("a body the status does not allow");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The self-hosted server's gateway path (node:http, writeRendered), as server/cli/start.ts serves it. */
async function startNodeGateway() {
  const server = http.createServer((req, res) => {
    handleGatewayNode(h.runtime, req, res, {
      merchantId: h.merchant.id,
      origin: GATEWAY_ORIGIN,
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  h = await createGatewayHarness(database.db, {
    rules: [
      { pathPattern: "/after/*", method: "GET", price: "0.01", network: "", asset: "" },
      {
        pathPattern: "/early/*",
        method: "GET",
        price: "0.01",
        network: "",
        asset: "",
        settlementPolicy: "BEFORE_PROXY",
      },
    ],
  });
  odd = await startOddUpstream();
  await database.db.merchant.update({
    where: { id: h.merchant.id },
    data: { upstreamBaseUrl: odd.url },
  });
  h.runtime.merchants.invalidate(h.merchant.id);
  nodeGateway = await startNodeGateway();
});
afterAll(async () => {
  await nodeGateway?.close();
  await odd?.close();
  await h?.close();
});

type Transport = "fetch handler" | "node server";

async function paidCall(transport: Transport, path: string) {
  const payer = await h.newPayer();
  const requirements = await h.requirementsFor(path);
  const { header } = await h.signPayment(payer, requirements);
  const before = await h.balanceOf(payer.address);
  const init = { headers: { "payment-signature": header } };
  const res =
    transport === "fetch handler"
      ? await h.call(path, init)
      : await fetch(`${nodeGateway.url}/${h.merchant.id}${path}`, init);
  const text = await res.text();
  const payment = await database.db.payment.findFirstOrThrow({
    where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
  });
  const ledger = await database.db.ledgerEntry.findMany({
    where: { paymentId: payment.id },
    select: { type: true },
  });
  const charged = await database.db.usageRecord.count({
    where: { paymentId: payment.id, status: "CHARGED" },
  });
  return {
    res,
    text,
    payment,
    ledger: ledger.map((e) => e.type).sort(),
    charged,
    paid: before - (await h.balanceOf(payer.address)),
  };
}

describe.each<Transport>(["fetch handler", "node server"])(
  "odd upstream statuses through the %s",
  (transport) => {
    it("relays a 205 without its body and charges the call like any success", async () => {
      const call = await paidCall(transport, "/after/205");
      expect(call.res.status).toBe(205);
      expect(call.text).toBe("");
      expect(call.res.headers.get("payment-response")).toBeTruthy();
      expect(call.payment.status).toBe("SETTLED");
      expect(call.ledger).toEqual(["CHARGE", "PAYOUT"]);
      expect(call.charged).toBe(1);
      expect(call.paid).toBe(10_000n);
    });

    it("replays a 205 to a retry with the same payment identifier, without charging again", async () => {
      const payer = await h.newPayer();
      const requirements = await h.requirementsFor("/after/205");
      const { header } = await h.signPayment(payer, requirements, {
        paymentIdentifier: `pay_id_${transport.replace(" ", "_")}_205_retry`,
      });
      const init = { headers: { "payment-signature": header } };
      const send = () =>
        transport === "fetch handler"
          ? h.call("/after/205", init)
          : fetch(`${nodeGateway.url}/${h.merchant.id}/after/205`, init);
      const first = await send();
      expect(first.status).toBe(205);
      await first.text();
      const retry = await send();
      expect(retry.status).toBe(205);
      expect(retry.headers.get("x-x402-idempotent-replay")).toBe("true");
      expect(await retry.text()).toBe("");
      expect(
        await database.db.payment.count({
          where: {
            merchantId: h.merchant.id,
            payer: payer.address.toLowerCase(),
            status: "SETTLED",
          },
        }),
      ).toBe(1);
    });

    it.each([600, 999])(
      "answers an upstream status %i with 502 upstream_invalid_response and charges nothing",
      async (status) => {
        const call = await paidCall(transport, `/after/${status}`);
        expect(call.res.status).toBe(502);
        expect(JSON.parse(call.text)).toMatchObject({
          error: { code: "upstream_invalid_response" },
        });
        expect(call.payment).toMatchObject({
          status: "FAILED",
          errorReason: "upstream_invalid_response",
          txHash: null,
        });
        expect(call.ledger).toEqual([]);
        expect(call.charged).toBe(0);
        expect(call.paid).toBe(0n);
      },
    );

    it("records a BEFORE_PROXY payment whose upstream then answered 600 as charged and owed back", async () => {
      const call = await paidCall(transport, "/early/600");
      expect(call.res.status).toBe(502);
      expect(JSON.parse(call.text)).toMatchObject({
        error: { code: "upstream_error", details: { refundDue: true, paymentId: call.payment.id } },
      });
      expect(call.payment).toMatchObject({
        status: "SETTLED",
        refundDueReason: "upstream invalid response after settlement",
      });
      expect(call.ledger).toEqual(["CHARGE", "PAYOUT"]);
      expect(call.charged).toBe(1);
      expect(call.paid).toBe(10_000n);
    });

    it("relays a 205 on a free path without its body, and a 600 there as 502", async () => {
      const get = (path: string) =>
        transport === "fetch handler"
          ? h.call(path)
          : fetch(`${nodeGateway.url}/${h.merchant.id}${path}`);
      const reset = await get("/free/205");
      expect(reset.status).toBe(205);
      expect(await reset.text()).toBe("");
      const invalid = await get("/free/600");
      expect(invalid.status).toBe(502);
      expect(await invalid.json()).toMatchObject({ error: { code: "upstream_invalid_response" } });
    });
  },
);
