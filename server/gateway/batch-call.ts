import { x402ResourceServer, type FacilitatorClient } from "@x402/core/server";
import type {
  Network,
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
} from "@x402/core/types";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/server";

import type { GatewayPaymentFacts } from "@/sdk/src/verify";
import { Prisma } from "@/server/db";
import { createId } from "@/server/db/ids";
import type { Facilitator } from "@/server/facilitator/types";
import {
  chargeHooks,
  PrismaChannelStorage,
  type ChargeHook,
  type ChargedChannel,
} from "@/server/payments/batch-channels";
import { paymentUsageRow, reservationKeyOf, type ChargedUsage } from "@/server/payments/ledger";
import { sealedPaymentColumns } from "@/server/payments/sealed-payment";
import {
  baseRequirementsBatch,
  checkBatchPaymentForRoute,
  isBatch,
} from "@/server/x402/batch-settlement";
import { encodePaymentResponse, type DecodedPayment } from "@/server/x402/payment-header";
import { priceOf, type PricedRoute } from "@/server/x402/requirements";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import { challengeFor } from "./payment-challenge";
import type { PricedCall } from "./price-route";
import { elapsedMs, type RequestContext } from "./request-context";
import { served, type Served } from "./served";
import { callUpstream, upstreamFailure } from "./upstream-call";

// A paid call under the `batch-settlement` scheme (a BATCH rule). The official server part
// (BatchSettlementEvmScheme in an x402ResourceServer, one per merchant + receiver + asset, on our
// database through PrismaChannelStorage) verifies the voucher — locally against the channel record
// while its on-chain mirror is fresh, else through the facilitator — and reserves the channel; the
// upstream answers; then the voucher is committed: the channel's charged total rises and the call's
// Payment (ACCRUED) and usage rows are written in that same transaction. A deposit (opening or
// topping up a channel) is sent on chain by the facilitator before the commit. Nothing else moves
// money here: server/payments/batch-settlement.ts claims and settles accrued calls in batches.

type BatchServer = {
  resourceServer: x402ResourceServer;
  scheme: BatchSettlementEvmScheme;
  /** what the official part adds to this route's requirements, per price */
  extras: Map<string, Record<string, unknown>>;
};

const servers = new WeakMap<GatewayDeps, Map<string, Promise<BatchServer>>>();

function facilitatorClientOf(facilitator: Facilitator): FacilitatorClient {
  return {
    verify: (payload, requirements) => facilitator.verify(payload, requirements),
    settle: (payload, requirements) => facilitator.settle(payload, requirements),
    getSupported: () => facilitator.supported(),
  };
}

async function buildServer(
  deps: GatewayDeps,
  merchantId: string,
  route: PricedRoute,
  facilitator: Facilitator,
): Promise<BatchServer> {
  const scheme = new BatchSettlementEvmScheme(route.payTo as `0x${string}`, {
    storage: new PrismaChannelStorage(deps.db, {
      merchantId,
      network: route.network.id,
      receiver: route.payTo,
      asset: route.asset.address,
    }),
  });
  const resourceServer = new x402ResourceServer(facilitatorClientOf(facilitator));
  resourceServer.register(route.network.id as Network, scheme);
  await resourceServer.initialize();
  return { resourceServer, scheme, extras: new Map() };
}

/** The resource server for a batch route: built once per merchant, network, receiver and asset (per process). */
export function batchServerFor(
  deps: GatewayDeps,
  merchantId: string,
  route: PricedRoute,
  facilitator: Facilitator,
): Promise<BatchServer> {
  let perDeps = servers.get(deps);
  if (!perDeps) servers.set(deps, (perDeps = new Map()));
  const key = `${merchantId}|${facilitator.kind}|${route.network.id}|${route.payTo.toLowerCase()}|${route.asset.address.toLowerCase()}`;
  let server = perDeps.get(key);
  if (!server) {
    server = buildServer(deps, merchantId, route, facilitator);
    perDeps.set(key, server);
    // a facilitator that could not answer is asked again by the next request
    server.catch(() => perDeps.delete(key));
  }
  return server;
}

/**
 * A batch route with the official server part's requirement fields (receiverAuthorizer — the
 * facilitator's, withdrawDelay, minDeposit), or null when the merchant's facilitator cannot serve
 * the scheme on this network.
 */
export async function enhanceBatchRoute(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  route: PricedRoute,
): Promise<PricedRoute | null> {
  const facilitator = deps.facilitators.forKind(merchant.facilitator);
  if (!facilitator) return null;
  try {
    const server = await batchServerFor(deps, merchant.id, route, facilitator);
    const price = priceOf(route).toString();
    let extra = server.extras.get(price);
    if (!extra) {
      const base = baseRequirementsBatch(route) as unknown as PaymentRequirements;
      const kind = server.resourceServer.getSupportedKind(2, base.network as Network, base.scheme);
      if (!kind) return null;
      const enhanced = await server.scheme.enhancePaymentRequirements(base, kind, []);
      extra = enhanced.extra;
      server.extras.set(price, extra);
    }
    return { ...route, batchExtra: extra };
  } catch (err) {
    deps.log.warn({ err, merchantId: merchant.id }, "batch-settlement is unavailable for a route");
    return null;
  }
}

/** A batch route in a priced call, enhanced for its 402 (see enhanceBatchRoute). */
export async function enhanceBatchCall(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  priced: PricedCall,
): Promise<PricedCall | null> {
  if (!isBatch(priced.route)) return priced;
  const route = await enhanceBatchRoute(deps, merchant, priced.route);
  return route ? { ...priced, route } : null;
}

type Refusal = { reason: string; message: string };

/** A refused batch payment: a 402 with the reason, and — for a voucher on a stale base — the channel's state so the client can resync. */
async function refuseBatch(
  deps: GatewayDeps,
  req: GatewayRequest,
  priced: PricedCall,
  ctx: RequestContext,
  refusal: Refusal,
  payer: string,
  corrective?: { server: BatchServer; payload: PaymentPayload; requirements: PaymentRequirements },
): Promise<Served> {
  const challenge = challengeFor(deps, req, priced.route, ctx, {
    clientVersion: 2,
    error: refusal.reason,
    errorMessage: refusal.message,
  });
  if (corrective) {
    const body = challenge.body as { accepts?: PaymentRequirements[] };
    const accepts = body.accepts ?? [];
    await corrective.server.scheme
      .enrichPaymentRequiredResponse({
        requirements: accepts,
        paymentPayload: corrective.payload,
        error: refusal.reason,
      } as never)
      .catch(() => undefined);
    const header = JSON.parse(Buffer.from(challenge.v2Header, "base64").toString("utf8")) as {
      accepts: PaymentRequirements[];
    };
    header.accepts = accepts;
    challenge.v2Header = Buffer.from(JSON.stringify(header)).toString("base64");
  }
  return served(
    { kind: "payment_rejected", reason: refusal.reason, message: refusal.message, challenge },
    { ruleId: priced.ruleId, status: "REJECTED", reason: refusal.reason, payer },
  );
}

const CUMULATIVE_MISMATCH = "invalid_batch_settlement_evm_cumulative_amount_mismatch";

function usageOf(
  ctx: RequestContext,
  httpStatus: number,
  upstreamLatencyMs: number | null,
): ChargedUsage {
  return {
    requestId: ctx.requestId,
    method: ctx.method,
    path: ctx.path,
    httpStatus,
    upstreamStatus: httpStatus,
    latencyMs: elapsedMs(ctx),
    upstreamLatencyMs,
    clientIp: ctx.clientIp,
  };
}

/** The call's Payment (ACCRUED, awaiting its batch) and CHARGED usage row, written in the charging transaction. */
function recordAccruedCall(
  deps: GatewayDeps,
  call: {
    merchant: MerchantSnapshot;
    priced: PricedCall;
    payment: DecodedPayment;
    paymentId: string;
    facilitator: Facilitator;
    usage: ChargedUsage;
  },
) {
  const { route } = call.priced;
  return async (tx: Prisma.TransactionClient, change: ChargedChannel): Promise<void> => {
    const at = deps.now();
    const amount = change.after - change.before;
    const channelId = change.channel.channelId.toLowerCase();
    const payer = change.channel.channelConfig.payer.toLowerCase();
    const payment = {
      ruleId: call.priced.ruleId,
      payer,
      amountAtomic: new Prisma.Decimal(amount.toString()),
      asset: route.asset.address.toLowerCase(),
      network: route.network.id,
      requestId: call.usage.requestId,
      resource: route.resourceUrl,
    };
    await tx.payment.create({
      data: {
        id: call.paymentId,
        merchantId: call.merchant.id,
        ...payment,
        status: "ACCRUED",
        x402Version: 2,
        scheme: "batch-settlement",
        ...sealedPaymentColumns(
          { payTo: route.payTo, payloadEncoded: call.payment.encoded },
          deps.env,
        ),
        requiredAmountAtomic: new Prisma.Decimal(priceOf(route).toString()),
        // the channel stands in for the authorization; its cumulative total charged so far makes
        // the replay key: the same cumulative amount is never recorded twice
        authorizationNonce: channelId,
        validAfter: at,
        validBefore: at,
        reservationKey: reservationKeyOf({
          network: route.network.id,
          asset: route.asset.address,
          payer,
          nonce: `batch:${channelId}:${change.after}`,
        }),
        facilitator: call.facilitator.kind,
        settlementPolicy: "BATCH",
        verifiedAt: at,
        paymentIdentifier: call.payment.paymentIdentifier ?? null,
      },
    });
    await tx.usageRecord.create({
      data: paymentUsageRow({
        merchantId: call.merchant.id,
        paymentId: call.paymentId,
        payment,
        usage: call.usage,
        status: "CHARGED",
        reason: "batch_accrued",
      }),
    });
  };
}

/** Serves a batch-settlement payment on a BATCH rule (see the header comment). */
export async function serveBatch(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  ctx: RequestContext,
  payment: DecodedPayment,
): Promise<Served> {
  const { route } = priced;
  const payer = payment.exact.authorization.from.toLowerCase();
  const check = checkBatchPaymentForRoute(payment, route);
  if (!check.ok) return refuseBatch(deps, req, priced, ctx, check, payer);
  const facilitator = deps.facilitators.forKind(merchant.facilitator);
  if (!facilitator)
    return served({
      kind: "unavailable",
      message: `The ${merchant.facilitator.toLowerCase()} facilitator is not configured on this gateway; nothing was charged`,
    });
  const server = await batchServerFor(deps, merchant.id, route, facilitator);
  const requirements = check.requirements;
  // the official part keys its per-request state on this object: verify and settle get the same one
  const payload = payment.payload;
  const log = deps.log.child({ requestId: ctx.requestId, merchantId: merchant.id });

  const verification = await server.resourceServer
    .verifyPayment(payload, requirements)
    .catch((err: unknown) => {
      log.warn({ err }, "batch-settlement verification threw");
      return {
        isValid: false as const,
        invalidReason: "verification_unavailable",
        invalidMessage: "The voucher could not be verified now; nothing was charged",
      };
    });
  if (!verification.isValid) {
    const reason = verification.invalidReason ?? "invalid_payment";
    return refuseBatch(
      deps,
      req,
      priced,
      ctx,
      { reason, message: verification.invalidMessage ?? reason },
      payer,
      reason === CUMULATIVE_MISMATCH ? { server, payload, requirements } : undefined,
    );
  }

  const paymentId = createId("payment");
  const facts: GatewayPaymentFacts = {
    kind: "paid",
    paymentId,
    payer,
    amount: priceOf(route).toString(),
    asset: route.asset.address,
    network: route.network.id,
    txHash: "pending",
    billingMode: route.rule.billingMode,
    settlementPolicy: "BATCH",
  };
  const result = await callUpstream(deps, {
    req,
    ctx,
    merchant,
    target: priced.target,
    facts,
    extra: {
      "x-x402-payer": payer,
      "x-x402-payment-id": paymentId,
      "x-x402-amount": facts.amount,
      "x-x402-network": route.network.id,
    },
  });
  if (result.kind !== "response") {
    await server.scheme.clearPendingRequest(payload);
    const failure = upstreamFailure(result, merchant, deps.maxBodyBytes);
    return served(failure.outcome, {
      ruleId: priced.ruleId,
      payer,
      status: "FAILED",
      reason: failure.reason,
      upstreamLatencyMs: failure.upstreamLatencyMs,
    });
  }
  if (result.status >= 400 && !merchant.chargeOnUpstreamError) {
    await server.scheme.clearPendingRequest(payload);
    return served(
      { kind: "proxied", status: result.status, headers: result.headers, body: result.body },
      {
        ruleId: priced.ruleId,
        payer,
        status: "FAILED",
        reason: "upstream_error",
        upstreamStatus: result.status,
        upstreamLatencyMs: result.upstreamLatencyMs,
      },
    );
  }

  const hook: ChargeHook = {
    record: recordAccruedCall(deps, {
      merchant,
      priced,
      payment,
      paymentId,
      facilitator,
      usage: usageOf(ctx, result.status, result.upstreamLatencyMs),
    }),
  };
  let settlement: SettleResponse | null = null;
  let refusal: Refusal | null = null;
  try {
    settlement = await chargeHooks.run(hook, () =>
      server.resourceServer.settlePayment(payload, requirements),
    );
  } catch (err) {
    const response = (err as { response?: SettleResponse }).response;
    refusal = {
      reason: response?.errorReason ?? "settlement_failed",
      message: response?.errorMessage ?? "The voucher could not be charged",
    };
  }
  if (!settlement?.success || !hook.committed) {
    result.body?.resume();
    // the charge did not commit: nothing is recorded and the answer is withheld
    log.warn({ reason: refusal?.reason }, "batch-settlement voucher not charged");
    await server.scheme.clearPendingRequest(payload).catch(() => undefined);
    return refuseBatch(
      deps,
      req,
      priced,
      ctx,
      refusal ?? {
        reason: settlement?.errorReason ?? "settlement_failed",
        message: settlement?.errorMessage ?? "The voucher could not be charged",
      },
      payer,
    );
  }
  log.info(
    {
      paymentId,
      payer,
      channelId: hook.committed.channel.channelId,
      deposit: Boolean(settlement.transaction),
    },
    "batch-settlement call charged",
  );
  // the client's half of the scheme reads the channel's new state from the response's `extra`
  const paymentResponse = encodePaymentResponse(2, settlement);
  return served(
    {
      kind: "proxied",
      status: result.status,
      headers: { ...result.headers, "x-x402-settlement": "batch" },
      body: result.body,
      paymentResponse,
    },
    {
      ruleId: priced.ruleId,
      paymentId,
      payer,
      status: "CHARGED",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}
