import { type TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { serveFetchHandler } from "@/server/http/node-adapter";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  uniqueEmail,
  useTestDatabase,
} from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

import { deliverDueWebhooks } from "./deliver";
import { verifyWebhookSignature } from "./signature";

// Webhooks against a local receiver: events queued with the payment, signed, retried after a 500.

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;
let receiver: { url: string; close: () => Promise<void> };
const received: { body: string; signature: string; type: string }[] = [];
let answer = 200;

beforeAll(async () => {
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  receiver = await serveFetchHandler(async (req) => {
    const body = await req.text();
    received.push({
      body,
      signature: req.headers.get("x-x402-signature") ?? "",
      type: (JSON.parse(body) as { type: string }).type,
    });
    return new Response(null, { status: answer });
  });
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const deps = () => testDeps(database.db, { env: h.runtime.env as never });

describe("webhooks", () => {
  it("announce a settled payment with signed deliveries, and retry a 500 with backoff", async () => {
    const api = callerFor(deps(), owner).webhooks;
    const { secret, endpoint } = await api.create({
      merchantId: h.merchant.id,
      url: `${receiver.url}/hooks`,
      events: ["payment.settled", "usage.charged"],
    });
    expect(secret).toMatch(/^whsec_/);
    const stored = await database.db.webhookEndpoint.findUniqueOrThrow({
      where: { id: endpoint.id },
      select: { secretCiphertext: true },
    });
    expect(stored.secretCiphertext).not.toContain(secret);

    const payer = await h.newPayer();
    const { header } = await h.signPayment(payer, await h.requirementsFor("/api/signal/btc"));
    await (await h.call("/api/signal/btc", { headers: { "payment-signature": header } })).text();

    const run = await deliverDueWebhooks(deps());
    expect(run).toMatchObject({ sent: 2, succeeded: 2 });
    expect(received.map((r) => r.type).sort()).toEqual(["payment.settled", "usage.charged"]);
    for (const r of received)
      expect(
        verifyWebhookSignature(secret, r.signature, r.body, {
          nowSeconds: Math.floor(Date.now() / 1000),
        }),
      ).toBe(true);
    expect(JSON.parse(received[0]!.body).data).toMatchObject({
      payer: payer.address.toLowerCase(),
      amountAtomic: "10000",
    });

    // a receiver answering 500 gets the event again later
    answer = 500;
    received.length = 0;
    const test = await api.sendTest({ merchantId: h.merchant.id, id: endpoint.id });
    expect(test).toEqual({ result: "refused" });
    answer = 200;
    expect(await deliverDueWebhooks(deps())).toMatchObject({ sent: 0 });
    const later = testDeps(database.db, {
      env: h.runtime.env as never,
      now: () => new Date(Date.now() + 10 * 60_000),
    });
    expect(await deliverDueWebhooks(later)).toMatchObject({ sent: 1, succeeded: 1 });
    const log = await api.deliveries({ merchantId: h.merchant.id });
    const testDelivery = log.find((d) => d.eventType === "webhook.test");
    expect(testDelivery).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    expect(testDelivery?.attemptsLog.map((a) => a.statusCode)).toEqual([500, 200]);
  });

  it("refuses a private URL where the deployment forbids them, and hides endpoints from other merchants", async () => {
    const strictEnv = { ...(h.runtime.env as object), ALLOW_PRIVATE_UPSTREAMS: false } as never;
    const err = await callerFor(testDeps(database.db, { env: strictEnv }), owner)
      .webhooks.create({
        merchantId: h.merchant.id,
        url: "http://127.0.0.1:9/hooks",
        events: ["payment.settled"],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    const outsider = await signUpWithPassword(testDeps(database.db), {
      name: "Out",
      email: uniqueEmail("out"),
      password: "correct horse battery",
    });
    const denied = await callerFor(deps(), outsider)
      .webhooks.list({ merchantId: h.merchant.id })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((denied as TRPCError).code).toBe("NOT_FOUND");
  });
});
