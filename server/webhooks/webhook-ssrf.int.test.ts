import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createId } from "@/server/db/ids";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import { callerFor, merchantOwner, testDeps, useTestDatabase } from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";

import { deliverDueWebhooks } from "./deliver";
import { sealSecret } from "@/server/crypto/secrets";

// Webhook URLs are checked when saved, but a public name can later resolve to a private address
// (DNS rebinding, or a name that was private all along: `localhost` is resolved by the OS here).
// Delivery and the test send must check the address they actually connect to, as the gateway's
// proxy does; and the test send must not tell the caller more than delivered / refused (status
// codes and timings of internal services are what an SSRF probe wants).

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;
const strictEnv = () => ({ ...(h.runtime.env as object), ALLOW_PRIVATE_UPSTREAMS: false }) as never;
let internal: { port: number; hits: number; close: () => Promise<void> };

beforeAll(async () => {
  // the harness's upstream is on loopback; the webhook side runs under a deployment that forbids private addresses
  h = await createGatewayHarness(database.db);
  owner = await merchantOwner(database.db, h.merchant.id);
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits += 1;
    res.writeHead(418).end("internal admin panel");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  internal = {
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => {
  await internal?.close();
  await h?.close();
});

/** An endpoint whose saved URL names a host that resolves to loopback (as after a DNS re-point). */
async function endpointResolvingToLoopback(): Promise<string> {
  const id = createId("webhookEndpoint");
  const sealed = sealSecret("whsec_test_secret_for_ssrf", h.runtime.env);
  await database.db.webhookEndpoint.create({
    data: {
      id,
      merchantId: h.merchant.id,
      url: `http://localhost:${internal.port}/admin`,
      events: ["payment.settled"],
      enabled: true,
      secretCiphertext: sealed.ciphertext,
      secretKeyId: sealed.keyId,
    },
  });
  return id;
}

describe("webhook delivery checks the address it connects to", () => {
  it("the test send refuses a name that resolves to a private address, and reports only refused", async () => {
    const endpointId = await endpointResolvingToLoopback();
    const before = internal.hits;
    const result = await callerFor(
      testDeps(database.db, { env: strictEnv() }),
      owner,
    ).webhooks.sendTest({ merchantId: h.merchant.id, id: endpointId });
    expect(result).toEqual({ result: "refused" });
    expect(internal.hits).toBe(before);
  });

  it("queued deliveries to such a name never reach it, and the log says refused without a status", async () => {
    const endpointId = await endpointResolvingToLoopback();
    await database.db.webhookEndpoint.update({
      where: { id: endpointId },
      data: { events: ["payment.settled"] },
    });
    const before = internal.hits;
    await database.db.webhookDelivery.create({
      data: {
        id: createId("webhookDelivery"),
        merchantId: h.merchant.id,
        endpointId,
        eventId: createId("request"),
        eventType: "payment.settled",
        payload: { id: "evt", type: "payment.settled" },
        nextAttemptAt: new Date(),
      },
    });
    await deliverDueWebhooks(
      { db: database.db, env: strictEnv(), log: h.runtime.log, now: () => new Date() },
      { merchantId: h.merchant.id },
    );
    expect(internal.hits).toBe(before);
    const delivery = await database.db.webhookDelivery.findFirstOrThrow({
      where: { endpointId },
      select: { lastStatusCode: true, lastError: true },
    });
    expect(delivery.lastStatusCode).toBeNull();
    expect(delivery.lastError).toBe("refused: the endpoint resolves to a private address");
  });
});
