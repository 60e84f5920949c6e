import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";

import { appRouter } from "@/server/api/root";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import { callerFor, testDeps, testEnv, uniqueEmail, useTestDatabase } from "@/server/testing/int";
import { signUpWithPassword, type SessionUser } from "@/server/users/users";

// Tenant isolation as a suite: every merchant-scoped procedure, called by merchant A's owner with
// merchant B's id, is NOT_FOUND, and B's data is unchanged. A procedure added to the router without
// being listed here (as merchant-scoped or not) fails the first test.

const database = useTestDatabase();
const TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const env = testEnv({ LOCAL_TOKEN_ADDRESS: TOKEN, LOCAL_CHAIN_ID: "31337" });

const NOT_MERCHANT_SCOPED = new Set([
  "auth.signUp",
  "auth.me",
  "auth.changePassword",
  "merchants.listMine",
  "merchants.create",
  "team.accept",
  "playground.setup",
  // platform admins only: server/api/admin-isolation.int.test.ts calls each as a merchant owner and signed out
  "admin.overview.get",
  "admin.merchants.list",
  "admin.merchants.get",
  "admin.merchants.approve",
  "admin.merchants.disable",
  "admin.merchants.enable",
  "admin.merchants.assignFeeTemplate",
  "admin.merchants.setSettlementMode",
  "admin.merchants.setFacilitator",
  "admin.hostedFacilitator.get",
  "admin.hostedFacilitator.save",
  "admin.hostedFacilitator.reset",
  "admin.receiptKeys.list",
  "admin.receiptKeys.rotate",
  "admin.alerts.acknowledge",
  "admin.alerts.resolve",
  "admin.risk.blocks",
  "admin.risk.block",
  "admin.risk.unblock",
  "admin.settings.get",
  "admin.settings.setRequireReview",
  "admin.settings.rateLimitCaps",
  "admin.settings.setRateLimitCaps",
  "admin.payments.list",
  "admin.payments.get",
  "admin.errors.report",
  "admin.feeTemplates.list",
  "admin.feeTemplates.create",
  "admin.feeTemplates.addVersion",
  "admin.feeTemplates.setDefault",
  "admin.audit.list",
  "admin.billing.settlementRuns.list",
  "admin.billing.settlementRuns.get",
  "admin.billing.settlementRuns.start",
  "admin.billing.refunds.list",
  "admin.billing.refunds.create",
  "admin.billing.statements.get",
  "admin.billing.statements.csv",
  "admin.alerts.list",
  "admin.alerts.thresholds",
  "admin.alerts.updateThresholds",
  "admin.operations",
  "admin.admins.list",
  "admin.admins.grant",
  "admin.admins.revoke",
  "admin.corrections.list",
  "admin.corrections.create",
  "admin.corrections.approve",
  "admin.corrections.reject",
  "admin.corrections.threshold",
  "admin.corrections.setThreshold",
]);

/** One valid input per merchant procedure (ids of B's objects where the procedure takes one). */
function merchantCalls(ids: {
  ruleId: string;
  keyId: string;
  paymentId: string;
  endpointId: string;
  membershipId: string;
  invitationId: string;
  credentialId: string;
  alertId: string;
}): Record<string, Record<string, unknown>> {
  const rule = {
    pathPattern: "/x/*",
    method: "GET",
    price: "0.01",
    network: "eip155:31337",
    asset: TOKEN,
  };
  return {
    "merchants.get": {},
    "merchants.updateSettings": {
      name: "Evil",
      payoutAddress: "0x000000000000000000000000000000000000dEaD",
    },
    "merchants.deferredSettings": {},
    "merchants.updateDeferredSettings": { enabled: true, maxUnsettledPerPayer: null },
    "merchants.batchSettings": {},
    "merchants.updateBatchSettings": { maxCalls: 10, maxAgeSeconds: 60 },
    "entitlements.list": {},
    "billing.statement": { month: "2026-11" },
    "billing.statementCsv": { month: "2026-11" },
    "billing.refunds": {},
    "billing.createRefund": { paymentId: ids.paymentId, reason: "evil refund" },
    "billing.submitRefundTx": { refundId: "adj_x", txHash: "0x" + "ab".repeat(32) },
    "pricingRules.list": {},
    "pricingRules.options": {},
    "pricingRules.unpricedMethods": {},
    "pricingRules.create": { data: rule },
    "pricingRules.update": { id: ids.ruleId, data: rule },
    "pricingRules.delete": { id: ids.ruleId },
    "pricingRules.explain": { method: "GET", path: "/x/y" },
    "apiKeys.list": {},
    "apiKeys.create": { name: "x" },
    "apiKeys.revoke": { id: ids.keyId },
    "upstream.get": {},
    "upstream.update": {
      upstreamBaseUrl: "https://evil.example.com",
      upstreamTimeoutMs: 5000,
      chargeOnUpstreamError: true,
    },
    "upstream.testCall": { method: "GET", path: "/" },
    "upstream.traffic": {},
    "upstream.updateTraffic": {
      unmatchedMethods: "PROXY_FREE",
      rateLimits: { unpaidPerMerchant: 1, unpaidPerClient: 1, paidPerMerchant: 1, paidPerPayer: 1 },
    },
    "upstream.health": {},
    "upstream.signingSecret": {},
    "upstream.revealSigningSecret": {},
    "upstream.rotateSigningSecret": { overlapSeconds: 0 },
    "upstream.credentials": {},
    "upstream.setCredential": {
      location: "HEADER",
      name: "x-api-key",
      value: "evil-value",
      ruleId: ids.ruleId,
    },
    "upstream.deleteCredential": { id: ids.credentialId },
    "dashboard.get": {},
    "dashboard.revenue": { period: "month" },
    "calls.list": {},
    "calls.exportCsv": {},
    "transactions.list": {},
    "transactions.get": { id: ids.paymentId },
    "transactions.exportCsv": {},
    "webhooks.list": {},
    "webhooks.deliveries": {},
    "webhooks.create": { url: "https://evil.example.com/hook", events: ["payment.settled"] },
    "webhooks.delete": { id: ids.endpointId },
    "webhooks.sendTest": { id: ids.endpointId },
    "alerts.list": {},
    "alerts.thresholds": {},
    "alerts.updateThresholds": { verificationFailureRate: 0.5 },
    "alerts.acknowledge": { alertId: ids.alertId },
    "alerts.resolve": { alertId: ids.alertId },
    "team.list": {},
    "team.invite": { email: "evil@example.com", role: "ADMIN" },
    "team.revokeInvitation": { invitationId: ids.invitationId },
    "team.changeRole": { membershipId: ids.membershipId, role: "DEVELOPER" },
    "team.remove": { membershipId: ids.membershipId },
    "audit.list": {},
  };
}

let a: SessionUser;
let b: SessionUser;
let merchantB: string;
let ids: Parameters<typeof merchantCalls>[0];

beforeAll(async () => {
  const deps = testDeps(database.db, { env });
  const user = (name: string) =>
    signUpWithPassword(deps, { name, email: uniqueEmail(name), password: "correct horse battery" });
  [a, b] = await Promise.all([user("a"), user("b")]);
  const input = {
    name: "Shop",
    upstreamBaseUrl: "https://api.example.com",
    payoutAddress: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  };
  await callerFor(deps, a).merchants.create(input);
  merchantB = (await callerFor(deps, b).merchants.create(input)).id;
  const asB = callerFor(deps, b);
  const rule = await asB.pricingRules.create({
    merchantId: merchantB,
    data: {
      pathPattern: "/b/*",
      method: "GET",
      price: "0.01",
      network: "eip155:31337",
      asset: TOKEN,
    },
  });
  const key = await asB.apiKeys.create({ merchantId: merchantB, name: "b" });
  const endpoint = await asB.webhooks.create({
    merchantId: merchantB,
    url: "https://hooks.example.com/b",
    events: ["payment.settled"],
  });
  await asB.team.invite({ merchantId: merchantB, email: "friend@example.com", role: "DEVELOPER" });
  const team = await asB.team.list({ merchantId: merchantB });
  const credential = await asB.upstream.setCredential({
    merchantId: merchantB,
    location: "HEADER",
    name: "x-upstream-key",
    value: "b-upstream-key-000000",
  });
  const payment = await database.db.payment.create({
    data: {
      id: "pay_isolation_b",
      merchantId: merchantB,
      status: "SETTLED",
      x402Version: 2,
      scheme: "exact",
      network: "eip155:31337",
      asset: TOKEN,
      payer: "0x1",
      ...sealedPaymentColumns({ payTo: "0x2", payloadEncoded: "x" }, env),
      amountAtomic: "10000",
      requiredAmountAtomic: "10000",
      authorizationNonce: "0xab",
      validAfter: new Date(),
      validBefore: new Date(),
      facilitator: "LOCAL",
      resource: "https://gw/x",
      requestId: "req_isolation",
    },
  });
  const alert = await database.db.alert.create({
    data: {
      id: "alr_isolation_b",
      merchantId: merchantB,
      rule: "high_frequency_ip",
      severity: "WARNING",
      openKey: "isolation:b",
      dedupeKey: "isolation:b",
      title: "B's alert",
      details: {},
    },
  });
  ids = {
    ruleId: rule.id,
    keyId: key.apiKey.id,
    paymentId: payment.id,
    endpointId: endpoint.endpoint.id,
    membershipId: team.members[0]!.id,
    invitationId: team.invitations[0]!.id,
    credentialId: credential.id,
    alertId: alert.id,
  };
});

describe("tenant isolation", () => {
  it("classifies every procedure of the router", () => {
    const all = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    const listed = new Set([...NOT_MERCHANT_SCOPED, ...Object.keys(merchantCalls(ids))]);
    expect(all.filter((p) => !listed.has(p))).toEqual([]);
  });

  it("answers NOT_FOUND to merchant A's owner for every procedure on merchant B, and B's data stays", async () => {
    const asA = callerFor(
      testDeps(database.db, {
        env,
        gateway: async () => new Response("should not be called", { status: 500 }),
      }),
      a,
    ) as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
    const failures: string[] = [];
    for (const [path, input] of Object.entries(merchantCalls(ids))) {
      const [namespace, name] = path.split(".") as [string, string];
      const err = await asA[namespace]![name]!({ merchantId: merchantB, ...input }).then(
        () => null,
        (e: unknown) => e,
      );
      if (!(err instanceof TRPCError) || err.code !== "NOT_FOUND")
        failures.push(`${path}: ${err instanceof TRPCError ? err.code : "succeeded"}`);
    }
    expect(failures).toEqual([]);
    const asB = callerFor(testDeps(database.db, { env }), b);
    expect((await asB.pricingRules.list({ merchantId: merchantB })).map((r) => r.id)).toEqual([
      ids.ruleId,
    ]);
    expect((await asB.apiKeys.list({ merchantId: merchantB }))[0]?.revokedAt).toBeNull();
    expect((await asB.upstream.get({ merchantId: merchantB })).upstreamBaseUrl).toBe(
      "https://api.example.com",
    );
    expect(await asB.webhooks.list({ merchantId: merchantB })).toHaveLength(1);
    expect((await asB.team.list({ merchantId: merchantB })).members).toHaveLength(1);
    expect(
      (await asB.upstream.credentials({ merchantId: merchantB })).map((c) => [c.id, c.maskedValue]),
    ).toEqual([[ids.credentialId, "••••0000"]]);
    expect(await database.db.alert.findUnique({ where: { id: ids.alertId } })).toMatchObject({
      status: "OPEN",
      acknowledgedAt: null,
    });
    // B's secret was neither revealed nor rotated by A
    expect(await asB.upstream.signingSecret({ merchantId: merchantB })).toMatchObject({
      current: { generation: 1, revealed: false },
      previous: [],
    });
  });
});
