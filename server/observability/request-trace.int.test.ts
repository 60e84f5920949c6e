import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/server/api-keys/api-keys";
import type { ServerEnv } from "@/server/env";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { useTestDatabase } from "@/server/testing/int";
import { deliverDueWebhooks } from "@/server/webhooks/deliver";
import { createWebhookEndpoint } from "@/server/webhooks/webhooks";

import { createLogger } from "./logger";

// One paid request followed by its X-Request-Id through every stage's log line (gateway, ledger
// writes, facilitator, upstream, webhook delivery), the upstream's and the webhook receiver's
// headers and the stored rows; then every secret the request path touches is fed through and the
// whole log output is searched for it.

const database = useTestDatabase();
const lines: string[] = [];
const log = createLogger({
  level: "trace",
  destination: { write: (line: string) => void lines.push(line) },
});

type Received = { headers: http.IncomingHttpHeaders; body: string };
const hooks: Received[] = [];
let hookServer: http.Server;
let hookUrl: string;
let h: GatewayHarness;
let hosted: GatewayHarness;
let ownerId: string;
let webhookSecret: string;

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;
  h = await createGatewayHarness(database.db, { log });
  // the same gateway settling through the hosted-facilitator adapter, over HTTP to our facilitator API
  hosted = await createGatewayHarness(database.db, { log, facilitator: "HOSTED" });
  ownerId = (
    await database.db.membership.findFirstOrThrow({
      where: { merchantId: h.merchant.id },
      select: { userId: true },
    })
  ).userId;
  const created = await createWebhookEndpoint(
    { db: database.db, env: h.runtime.env as ServerEnv },
    {
      merchantId: h.merchant.id,
      actor: { userId: ownerId, role: "OWNER" },
      input: { url: hookUrl, events: ["payment.settled", "usage.charged"] },
    },
  );
  webhookSecret = created.secret;
});
afterAll(async () => {
  await h?.close();
  await hosted?.close();
  await new Promise<void>((resolve) => hookServer.close(() => resolve()));
});

const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("one request id end to end", () => {
  it("follows a paid request through the log lines of every stage, the upstream, the ledger and the webhook", async () => {
    const requestId = `trace-${Date.now().toString(36)}-paid`;
    const payer = await h.newPayer();
    const { header } = await h.signPayment(payer, await h.requirementsFor("/api/signal/btc"));
    const res = await h.call("/api/signal/btc", {
      headers: { "payment-signature": header, "x-request-id": requestId },
    });
    expect(res.status).toBe(200);
    // returned to the client
    expect(res.headers.get("x-request-id")).toBe(requestId);
    // the upstream received it
    expect(h.upstream.seen.at(-1)?.headers["x-request-id"]).toBe(requestId);
    // the ledger's writes carry it
    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, requestId },
    });
    expect(payment.status).toBe("SETTLED");
    expect(
      await database.db.usageRecord.count({
        where: { merchantId: h.merchant.id, requestId, status: "CHARGED" },
      }),
    ).toBe(1);
    const deliveries = await database.db.webhookDelivery.findMany({
      where: { merchantId: h.merchant.id, requestId },
    });
    expect(deliveries.map((d) => d.eventType).sort()).toEqual(["payment.settled", "usage.charged"]);
    // the webhook delivery sends it to the merchant
    const run = await deliverDueWebhooks(
      { db: database.db, env: h.runtime.env as ServerEnv, log, now: () => new Date() },
      { merchantId: h.merchant.id },
    );
    expect(run.succeeded).toBe(2);
    expect(hooks.map((r) => r.headers["x-request-id"])).toEqual([requestId, requestId]);

    const traced = records().filter((r) => r.requestId === requestId);
    const stages = traced.map((r) => r.msg);
    for (const stage of [
      "payment reserved",
      "facilitator verify",
      "upstream answered",
      "facilitator settle",
      "payment recorded",
      "gateway request",
      "webhook delivered",
    ]) {
      expect(stages, `log line "${stage}"`).toContain(stage);
    }
    expect(traced.find((r) => r.msg === "facilitator settle")).toMatchObject({
      ok: true,
      facilitator: "local",
      txHash: payment.txHash,
    });
    expect(traced.find((r) => r.msg === "gateway request")).toMatchObject({
      outcome: "paid",
      merchantId: h.merchant.id,
      path: "/api/signal/btc",
    });
    expect(traced.filter((r) => r.msg === "webhook delivered")).toHaveLength(2);
  });

  it("carries the request id over HTTP to a hosted facilitator, whose own log lines name it", async () => {
    const requestId = `trace-${Date.now().toString(36)}-hosted`;
    const payer = await hosted.newPayer();
    const { header } = await hosted.signPayment(
      payer,
      await hosted.requirementsFor("/api/signal/btc"),
    );
    const res = await hosted.call("/api/signal/btc", {
      headers: { "payment-signature": header, "x-request-id": requestId },
    });
    expect(res.status).toBe(200);
    const facilitatorLines = records().filter(
      (r) =>
        r.requestId === requestId && typeof r.msg === "string" && r.msg.startsWith("facilitator "),
    );
    // the gateway's adapter ("hosted") and the facilitator API it called (our "local" one) both log it
    expect(facilitatorLines.map((r) => `${String(r.msg)} ${String(r.facilitator)}`).sort()).toEqual(
      [
        "facilitator settle hosted",
        "facilitator settle local",
        "facilitator verify hosted",
        "facilitator verify local",
      ],
    );
  });

  it("sets a request id when the client sends none (or a malformed one) and uses it everywhere", async () => {
    const res = await h.call("/api/free/x", { headers: { "x-request-id": "bad id with spaces" } });
    const given = res.headers.get("x-request-id");
    expect(given).toMatch(/^req_/);
    expect(h.upstream.seen.at(-1)?.headers["x-request-id"]).toBe(given);
    expect(
      records().find((r) => r.msg === "gateway request" && r.requestId === given),
    ).toMatchObject({ outcome: "free" });
  });
});

describe("what never reaches a log line", () => {
  it("keeps payment signatures, API keys, secrets and private keys out of every log line", async () => {
    const payer = await h.newPayer();
    const requirements = await h.requirementsFor("/api/signal/eth");
    const paid = await h.signPayment(payer, requirements);
    const signature = (
      JSON.parse(Buffer.from(paid.header, "base64").toString("utf8")) as {
        payload: { signature: string };
      }
    ).payload.signature;
    // a good payment, the same one replayed, and one signed by someone else
    expect(
      (await h.call("/api/signal/eth", { headers: { "payment-signature": paid.header } })).status,
    ).toBe(200);
    expect(
      (await h.call("/api/signal/eth", { headers: { "payment-signature": paid.header } })).status,
    ).toBe(402);
    const stranger = await h.newPayer("0");
    const forged = await h.signPayment(payer, requirements, { signer: stranger });
    expect(
      (await h.call("/api/signal/eth", { headers: { "x-payment": forged.header } })).status,
    ).toBe(402);
    // the merchant's own API key, a revoked-looking one, and a key in the query string
    const { key } = await createApiKey(h.runtime, {
      merchantId: h.merchant.id,
      actor: { userId: ownerId, role: "OWNER" },
      grantor: { kind: "role", role: "OWNER" },
      name: "logs",
    });
    expect(
      (await h.call("/api/free/owner", { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    expect(
      (await h.call("/api/free/owner", { headers: { "x-api-key": `${key.slice(0, -4)}0000` } }))
        .status,
    ).toBe(401);
    expect((await h.call(`/api/free/q?api_key=${key}`)).status).toBe(200);
    await deliverDueWebhooks(
      { db: database.db, env: h.runtime.env as ServerEnv, log, now: () => new Date() },
      { merchantId: h.merchant.id },
    );
    // and what a careless caller might hand the logger: request headers and a wallet
    log.info(
      {
        headers: {
          authorization: `Bearer ${key}`,
          "x-payment": paid.header,
          "payment-signature": paid.header,
          cookie: "session=1",
        },
      },
      "request headers",
    );
    log.warn(
      { wallet: { privateKey: payer.privateKey }, secret: webhookSecret, signature },
      "careless",
    );

    const output = lines.join("");
    const facilitatorKey = (h.runtime.env as ServerEnv).FACILITATOR_PRIVATE_KEY as string;
    const secrets = {
      signature,
      paymentHeader: paid.header,
      forgedHeader: forged.header,
      apiKey: key,
      webhookSecret,
      payerKey: payer.privateKey,
      facilitatorKey,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(output.includes(value), `${name} appears in the log output`).toBe(false);
      expect(output.includes(value.slice(2, 40)), `part of ${name} appears in the log output`).toBe(
        false,
      );
    }
    expect(output).toContain("[redacted]");
    expect(records().some((r) => r.msg === "gateway request" && r.outcome === "owner")).toBe(true);
  });
});
