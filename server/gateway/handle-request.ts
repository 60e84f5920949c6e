import type { IncomingMessage, ServerResponse } from "node:http";

import { MERCHANT_ID_PATTERN } from "@/server/db/ids";
import { SIWX_HEADER } from "@/server/entitlements/siwx";
import { canonicalizePath } from "@/server/pricing/canonical-path";
import { matchRequest, type CompiledRule } from "@/server/pricing/rules";
import { decodePaymentHeader, type DecodeResult } from "@/server/x402/payment-header";

import type { GatewayDeps } from "./gateway-deps";
import { fromNodeRequest, fromWebRequest, type GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import { gatewayOutcomeLabel } from "./outcome-label";
import { renderForClient, responseOf, writeRendered, type RenderedOutcome } from "./outcome";
import { challengeFor, rejectPayment } from "./payment-challenge";
import { priceRoute } from "./price-route";
import { admit, type Lane } from "./rate-limit-lanes";
import { contextOf, type RequestContext, type UpstreamTrace } from "./request-context";
import { serveEntitled } from "./serve-entitled";
import { serveFree } from "./serve-free";
import { presentedApiKey, serveOwner } from "./serve-owner";
import { enhanceBatchCall, serveBatch } from "./batch-call";
import { servePaid } from "./serve-paid";
import { served, type Served } from "./served";
import { upstreamTarget, type UpstreamTarget } from "./upstream-call";

// The gateway's request path (STYLE 2.5): resolve → canonical path + match → rate limit (unpaid or
// paying lane) → owner | free | entitled | 402 | paid (serve-*.ts). Every branch ends in a Served:
// the outcome and what the access log says of it. The outcome is rendered once, and the call is
// recorded once from it (access row with the status sent, metrics, access-log line).

export type { GatewayDeps } from "./gateway-deps";
export type { UpstreamTrace } from "./request-context";

// TRACE would echo the buyer's headers (payment, cookies) back from the upstream; CONNECT and TRACK
// tunnel or trace, and no upstream behind a paywall serves them
const REFUSED_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

const NO_PAYMENT: DecodeResult = { kind: "none" };

type MerchantResolved = { merchant: MerchantSnapshot } | { refused: Served };

function servable(merchant: MerchantSnapshot | null): MerchantResolved {
  if (!merchant) return { refused: served({ kind: "merchant_not_found" }) };
  if (merchant.status !== "ACTIVE")
    return { refused: served({ kind: "merchant_inactive", status: merchant.status }) };
  return { merchant };
}

/** The merchant the request names, when there is an active one to serve (loaded on a cache miss). */
async function loadActiveMerchant(
  deps: GatewayDeps,
  ctx: RequestContext,
): Promise<MerchantResolved> {
  let merchant: MerchantSnapshot | null;
  try {
    merchant = await deps.merchants.get(ctx.merchantId);
  } catch (err) {
    deps.log.error({ err, requestId: ctx.requestId }, "merchant lookup failed");
    return {
      refused: served({
        kind: "unavailable",
        message: "The gateway's database is unavailable; nothing was charged",
      }),
    };
  }
  return servable(merchant);
}

export async function resolveGatewayOutcome(
  deps: GatewayDeps,
  req: GatewayRequest,
  ctx: RequestContext,
): Promise<Served> {
  if (REFUSED_METHODS.has(ctx.method))
    return served({ kind: "method_not_allowed", method: ctx.method });
  if (!MERCHANT_ID_PATTERN.test(ctx.merchantId)) return served({ kind: "merchant_not_found" });
  // a cached merchant is read without a promise: the free path's awaits each cost a microtask
  // and, under the AsyncLocalStorage Next.js installs, a promise hook
  const cached = deps.merchants.fresh(ctx.merchantId);
  const resolved = cached ? servable(cached.value) : await loadActiveMerchant(deps, ctx);
  if ("refused" in resolved) return resolved.refused;
  const { merchant } = resolved;

  // rules are matched on the canonical path and the upstream is sent that same path: what is priced
  // is exactly what is served (server/pricing/canonical-path.ts)
  const canonical = canonicalizePath(ctx.path);
  const matched = canonical.ok ? matchRequest(merchant.rules, ctx.method, canonical.path) : null;
  // a payment is decoded (pure, no I/O) before the rate limit: paying traffic draws from buckets
  // of its own, so a flood of unpaid probes cannot lock buyers out
  const decoded: DecodeResult = matched?.match ? decodePaymentHeader(req.headers) : NO_PAYMENT;
  // a Sign-In-With-X proof on a bundle or pass route is a buyer coming back: the paying lane too
  // (its wallet is known once the proof is verified, so its client's bucket stands in for it)
  const returning =
    matched?.match &&
    matched.match.rule.billingMode !== "PER_REQUEST" &&
    req.headers.get(SIWX_HEADER) !== null;
  const lane: Lane =
    decoded.kind === "ok"
      ? { paid: true, payer: decoded.payment.exact.authorization.from.toLowerCase() }
      : { paid: returning === true, payer: null };
  const limited = await admit(deps, merchant, ctx, lane);
  if (limited) return limited;

  if (!canonical.ok || !matched)
    return served(
      { kind: "invalid_request", message: canonical.ok ? "Invalid path" : canonical.message },
      { status: "REJECTED", reason: "path_refused" },
    );
  ctx.path = matched.path;
  if (matched.pricedForOtherMethods && merchant.unmatchedMethods === "REFUSE") {
    // the merchant priced this path and serves no method it did not price
    return served(
      { kind: "not_priced", method: ctx.method },
      { status: "REJECTED", reason: "method_not_priced" },
    );
  }
  // the upstream URL is settled before anything is charged: a refused mapping costs the buyer nothing
  const target = upstreamTarget(merchant, matched.match, ctx);
  if ("refused" in target)
    return served(
      { kind: "invalid_request", message: target.refused },
      {
        ruleId: matched.match?.rule.id ?? null,
        status: "REJECTED",
        reason: "upstream_path_refused",
      },
    );
  return serveMatched(deps, req, merchant, ctx, { match: matched.match, target, decoded });
}

/** The request on a path it may take: the owner's own call, a free path, a pass or bundle, a 402, or a payment. */
async function serveMatched(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  {
    match,
    target,
    decoded,
  }: { match: CompiledRule | null; target: UpstreamTarget; decoded: DecodeResult },
): Promise<Served> {
  const ownerKey = presentedApiKey(req);
  const owner = ownerKey ? await serveOwner(deps, req, merchant, ctx, ownerKey, target) : null;
  if (owner) return owner;

  const offered = priceRoute(deps, merchant, ctx, match, target);
  // a batch-settlement route's 402 carries what the official server part adds (its facilitator's
  // receiverAuthorizer and the channels' withdraw delay): null when the facilitator lacks the scheme
  const priced =
    offered && offered !== "misconfigured"
      ? await enhanceBatchCall(deps, merchant, offered)
      : offered;
  if (priced === null && offered)
    return served({
      kind: "unavailable",
      message:
        "This route is paid with the batch-settlement scheme, which the merchant's facilitator does not offer on its network; nothing was charged",
    });
  if (priced === "misconfigured") {
    deps.log.error(
      { merchantId: merchant.id, path: ctx.path },
      "pricing rule names an unknown network, asset or payout address",
    );
    return served({
      kind: "unavailable",
      message:
        "This route's pricing is misconfigured (unknown network or asset); nothing was charged",
    });
  }
  if (priced === null) return serveFree(deps, req, merchant, ctx, target);

  // the platform's blocklist (server/risk/): a blocked client IP on any paid path, a blocked payer as
  // soon as its payment header is decoded; refused before entitlements, verification and reservation
  const payer =
    decoded.kind === "ok" ? decoded.payment.exact.authorization.from.toLowerCase() : null;
  const block = await deps.blocklist.check({ clientIp: ctx.clientIp, payer, now: deps.now() });
  if (block)
    return served(
      { kind: "blocked", code: block.code },
      { ruleId: priced.ruleId, status: "REJECTED", reason: block.code, payer },
    );

  const proof =
    priced.route.rule.billingMode === "PER_REQUEST" ? null : req.headers.get(SIWX_HEADER);
  const entitled = proof
    ? await serveEntitled(deps, req, merchant, priced, ctx, proof, decoded.kind !== "none")
    : null;
  if (entitled) return entitled;
  if (decoded.kind === "none") {
    return served(
      {
        kind: "payment_required",
        challenge: challengeFor(deps, req, priced.route, ctx, { clientVersion: null }),
      },
      { ruleId: priced.ruleId, status: "REJECTED", reason: "payment_required" },
    );
  }
  if (decoded.kind === "invalid")
    return rejectPayment(deps, req, priced, ctx, {
      version: decoded.version,
      reason: decoded.reason,
      message: decoded.message,
    });
  if (priced.settlementPolicy === "BATCH")
    return serveBatch(deps, req, merchant, priced, ctx, decoded.payment);
  return servePaid(deps, req, merchant, priced, ctx, decoded.payment);
}

/**
 * Records a finished call once, with the status its answer was rendered with: the access row
 * (batched; a CHARGED row was written with its payment, in the ledger's transaction), one metrics
 * observation and one access-log line.
 */
function record(
  deps: GatewayDeps,
  ctx: RequestContext,
  { outcome, usage }: Served,
  httpStatus: number,
): void {
  const ms = performance.now() - ctx.startedAt;
  if (usage && usage.status !== "CHARGED") {
    const { requestId, merchantId, method, path, clientIp } = ctx;
    deps.usage.write({
      ...usage,
      status: usage.status,
      requestId,
      merchantId,
      method,
      path,
      clientIp,
      httpStatus,
      latencyMs: Math.round(ms),
      createdAt: deps.now(),
    });
  }
  const label = gatewayOutcomeLabel(outcome, usage);
  deps.metrics.gatewayRequest({
    outcome: label.outcome,
    reason: label.reason,
    merchantId: outcome.kind === "merchant_not_found" ? null : ctx.merchantId,
    seconds: ms / 1000,
  });
  // the path only: a query string may carry the buyer's own credentials
  if (deps.accessLog.enabled()) {
    deps.accessLog.write({
      requestId: ctx.requestId,
      merchantId: ctx.merchantId,
      method: ctx.method,
      path: ctx.path,
      outcome: label.outcome,
      reason: label.reason,
      ms: Math.round(ms),
    });
  }
}

/** Serves the request and renders its answer; the call is recorded once the answer is rendered. */
async function answer(
  deps: GatewayDeps,
  req: GatewayRequest,
  ctx: RequestContext,
): Promise<RenderedOutcome> {
  let result: Served;
  try {
    result = await resolveGatewayOutcome(deps, req, ctx);
  } catch (err) {
    deps.log.error(
      { err, requestId: ctx.requestId, merchantId: ctx.merchantId },
      "gateway request failed",
    );
    result = served({
      kind: "unavailable",
      message:
        "The gateway could not complete this request; if a payment was taken it will be reconciled",
    });
  }
  const rendered = renderForClient(result.outcome, ctx.requestId);
  record(deps, ctx, result, rendered.status);
  return rendered;
}

/** The gateway's entry point for fetch-style handlers: any method on /<merchantId>/<path>. */
export async function handleGatewayRequest(
  deps: GatewayDeps,
  req: Request,
  params: { merchantId: string; trace?: UpstreamTrace },
): Promise<Response> {
  const request = fromWebRequest(req);
  return responseOf(
    await answer(deps, request, contextOf(request, params.merchantId, params.trace)),
  );
}

/** The same gateway on node:http, without web-stream conversions (the self-hosted server). */
export async function handleGatewayNode(
  deps: GatewayDeps,
  req: IncomingMessage,
  res: ServerResponse,
  params: { merchantId: string; origin: string },
): Promise<void> {
  const request = fromNodeRequest(req, params.origin);
  writeRendered(res, await answer(deps, request, contextOf(request, params.merchantId)));
}
