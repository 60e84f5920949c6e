import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sealSecret } from "@/server/crypto/secrets";
import { createId } from "@/server/db/ids";
import type { ServerEnv } from "@/server/env";
import { createGatewayHarness, type GatewayHarness } from "@/server/testing/gateway-harness";
import {
  callerFor,
  merchantOwner,
  testDeps,
  trpcErrorCode,
  useTestDatabase,
} from "@/server/testing/int";
import type { SessionUser } from "@/server/users/users";

// Issue 24 item 8: nothing a merchant configures can crash the gateway. A header value Node refuses
// (a non-Latin-1 character) used to make the upstream request throw synchronously, and the timeout
// then dereferenced the request that was never made: an uncaught TypeError in a timer took the
// process down. Values are now validated when saved, and a bad row already in the database fails
// that one request with a JSON error.

const database = useTestDatabase();
let h: GatewayHarness;
let owner: SessionUser;

const api = () => callerFor(testDeps(database.db, { env: h.runtime.env as ServerEnv }), owner);

/** Writes a credential row directly, bypassing the save-time validation (a row from before it existed). */
async function insertRawCredential(name: string, value: string): Promise<string> {
  const sealed = sealSecret(value, h.runtime.env);
  const id = createId("upstreamCredential");
  await database.db.upstreamCredential.create({
    data: {
      id,
      merchantId: h.merchant.id,
      ruleId: null,
      location: "HEADER",
      name,
      valueCiphertext: sealed.ciphertext,
      valueKeyId: sealed.keyId,
      maskedValue: "••••",
    },
  });
  h.runtime.merchants.invalidate(h.merchant.id);
  return id;
}

async function removeCredential(id: string): Promise<void> {
  await database.db.upstreamCredential.delete({ where: { id } });
  h.runtime.merchants.invalidate(h.merchant.id);
}

beforeAll(async () => {
  // a short upstream timeout: the old code's timer fired (and threw) this long after the bad call
  h = await createGatewayHarness(database.db, { merchant: { upstreamTimeoutMs: 300 } });
  owner = await merchantOwner(database.db, h.merchant.id);
});
afterAll(async () => {
  await h?.close();
});

describe("header values are validated when saved", () => {
  it.each([
    ["a non-Latin-1 character", "tok€n"],
    ["a Latin-1 letter outside ASCII", "café"],
    ["a control character", "abc\u0007def"],
    ["a line break", "abc\r\nx-evil: 1"],
  ])("refuses a header credential with %s (400 at the tRPC boundary)", async (_label, value) => {
    expect(
      await trpcErrorCode(
        api().upstream.setCredential({
          merchantId: h.merchant.id,
          location: "HEADER",
          name: "x-upstream-key",
          value,
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await database.db.upstreamCredential.count({ where: { merchantId: h.merchant.id } }),
    ).toBe(0);
  });

  it("refuses a query credential holding a lone surrogate (it cannot be percent-encoded)", async () => {
    expect(
      await trpcErrorCode(
        api().upstream.setCredential({
          merchantId: h.merchant.id,
          location: "QUERY",
          name: "key",
          value: "half \ud800",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("still accepts a query credential with any printable text (it is percent-encoded) and an ordinary header value", async () => {
    const query = await api().upstream.setCredential({
      merchantId: h.merchant.id,
      location: "QUERY",
      name: "key",
      value: "tok€n",
    });
    const header = await api().upstream.setCredential({
      merchantId: h.merchant.id,
      location: "HEADER",
      name: "x-upstream-key",
      value: "Bearer abc.DEF-123_~+/=",
    });
    expect(query).toMatchObject({ location: "QUERY", name: "key" });
    expect(header).toMatchObject({ location: "HEADER", name: "x-upstream-key" });
    expect(
      (await api().upstream.credentials({ merchantId: h.merchant.id })).map((c) => c.id).sort(),
    ).toEqual([query.id, header.id].sort());
    await api().upstream.deleteCredential({ merchantId: h.merchant.id, id: query.id });
    await api().upstream.deleteCredential({ merchantId: h.merchant.id, id: header.id });
  });
});

describe("a bad header value already in the database", () => {
  it("fails the free call with a 502 JSON error, and the process keeps serving", async () => {
    const id = await insertRawCredential("x-upstream-key", "tok€n");
    const res = await h.call("/api/free/ping");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toMatchObject({ error: { code: "upstream_error" } });
    await removeCredential(id);

    // a call that outlives the bad call's timeout: the old code's timer had thrown by now
    const slow = await h.call("/api/free/slow?ms=1000");
    expect(slow.status).toBe(504);
    const next = await h.call("/api/free/ping");
    expect(next.status).toBe(200);
  });

  it("fails the paid call with a 502 before anything is charged: the payment is released, no usage charged, no ledger entry", async () => {
    const id = await insertRawCredential("x-upstream-key", "tok€n");
    const payer = await h.newPayer();
    const requirements = await h.requirementsFor("/api/signal/btc");
    const { header } = await h.signPayment(payer, requirements);
    const before = await h.balanceOf(payer.address);
    const res = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: "upstream_error" } });
    await removeCredential(id);

    const payment = await database.db.payment.findFirstOrThrow({
      where: { merchantId: h.merchant.id, payer: payer.address.toLowerCase() },
    });
    expect(payment).toMatchObject({ status: "FAILED", reservationKey: null, txHash: null });
    expect(await database.db.ledgerEntry.count({ where: { paymentId: payment.id } })).toBe(0);
    expect(
      await database.db.usageRecord.count({ where: { paymentId: payment.id, status: "CHARGED" } }),
    ).toBe(0);
    expect(await h.balanceOf(payer.address)).toBe(before);

    // the same authorization buys the call once the credential is fixed
    const retry = await h.call("/api/signal/btc", { headers: { "payment-signature": header } });
    expect(retry.status).toBe(200);
    const slow = await h.call("/api/free/slow?ms=1000");
    expect(slow.status).toBe(504);
  });
});
