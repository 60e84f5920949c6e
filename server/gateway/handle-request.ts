import type { SettleResponse } from "@x402/core/types";
import { declarePaymentIdentifierExtension, PAYMENT_IDENTIFIER } from "@x402/extensions/payment-identifier";

import type { PrismaClient } from "@/server/db";
import { MERCHANT_ID_PATTERN, randomHex } from "@/server/db/ids";
import type { ServerEnv } from "@/server/env";
import type { Facilitators } from "@/server/facilitator";
import { clientIpFrom } from "@/server/http/client-ip";
import { requestIdFrom } from "@/server/http/request-id";
import type { NetworkRegistry } from "@/server/networks/config";
import type { AccessLog, Log } from "@/server/observability/logger";
import type { Metrics } from "@/server/observability/metrics";
import type { SettlementPolicy } from "@/server/db";
import { isAuthorizationSpent } from "@/server/payments/chain-state";
import { deferredAdmission } from "@/server/payments/deferred";
import {
  findIdentifiedPayment,
  markPaymentVerified,
  markSettlementUnclear,
  queueDeferredSettlement,
  releasePayment,
  recordSettlement,
  reservePayment,
  type ChargedUsage,
  type DeferredSettlement,
  type RecordedOutcome,
} from "@/server/payments/ledger";
import { settleVerdict } from "@/server/payments/settle-verdict";
import type { AccessLogEntry, UsageWriter } from "@/server/payments/usage-writer";
import { canonicalizePath } from "@/server/pricing/canonical-path";
import { matchRequest, type CompiledRule } from "@/server/pricing/rules";
import { joinUpstreamUrl, mapUpstreamPath } from "@/server/pricing/upstream-path";
import type { GatewayPaymentFacts } from "@/sdk/src/verify";
import type { RateLimiter } from "@/server/rate-limit/limiter";
import type { TtlCache } from "@/server/cache/ttl-cache";
import type { BlocklistCache } from "@/server/risk/blocklist-cache";

import type { ChainClientRegistry } from "@/server/chain/clients";
import { consumeEntitlement, entitlementHeader, restoreEntitlementCall, type GrantedEntitlement } from "@/server/entitlements/entitlements";
import { SIWX_HEADER, siwxDeclaration, verifySiwxProof } from "@/server/entitlements/siwx";

import { authenticateApiKey } from "@/server/api-keys/api-keys";
import { scopesAllowOwnerCalls } from "@/server/api-keys/scopes";

import { checkPaymentForRoute } from "./check-payment";
import { gatewayOutcomeLabel, type ServedAs } from "./outcome-label";
import { localFirstMessageVerifier, signedByPayer } from "./local-signature";
import { keepBody, KEPT_BODY_MAX_BYTES } from "./keep-body";
import type { MerchantSnapshot } from "./merchant-snapshot";
import { fromNodeRequest, fromWebRequest, type GatewayRequest } from "./gateway-request";
import { toResponse, writeOutcome, type GatewayOutcome, type PaymentChallenge, type RateLimitScope } from "./outcome";
import { decodePaymentHeader, encodePaymentResponse, type DecodeResult, type DecodedPayment } from "./payment-header";
import { renderPaywall } from "./paywall";
import { describePurchase, paymentRequiredBody, paymentRequiredV2, type PricedRoute } from "./requirements";
import { proxyToUpstream, buildUpstreamHeaders, type ProxyOutcome } from "./proxy";
import { credentialsForRule, maskUpstreamRequest, signUpstreamRequest, withQueryCredentials } from "./upstream-trust";

/** The exact-EVM scheme's reason for an authorization whose nonce is used (or cancelled) on chain. */
const AUTHORIZATION_SPENT = "invalid_exact_evm_nonce_already_used";

// The gateway's request path (STYLE 2.5): resolve → canonical path + match → rate limit (unpaid or
// paying lane) → 402 | verify → reserve →
// proxy → settle → record. Every branch ends in a GatewayOutcome; toResponse turns it into HTTP.
// No database transaction is held across a network call: each ledger step is one short write.

export type GatewayDeps = {
  db: PrismaClient;
  env: Pick<ServerEnv, "APP_URL" | "GATEWAY_URL" | "ALLOW_PRIVATE_UPSTREAMS" | "PLATFORM_PAYOUT_ADDRESS" | "ENCRYPTION_KEY" | "ENCRYPTION_KEYS_PREVIOUS">;
  log: Log;
  /** the one-line-per-request logger (fixed, secret-free fields; see accessLogger) */
  accessLog: AccessLog;
  /** counters and histograms only: recording costs no I/O (server/observability/metrics.ts) */
  metrics: Metrics;
  now: () => Date;
  networks: NetworkRegistry;
  merchants: TtlCache<MerchantSnapshot | null>;
  facilitators: Facilitators;
  /** chain clients, to verify sign-in proofs from contract wallets */
  chains: ChainClientRegistry;
  rateLimiter: RateLimiter;
  usage: UsageWriter;
  maxBodyBytes: number;
  /** the platform's blocklist of payers and client IPs, in memory (server/risk/blocklist-cache.ts) */
  blocklist: Pick<BlocklistCache, "check">;
  /** payers' token balances ("network|asset|payer" → atomic units), read through a short cache for DEFERRED */
  payerBalances: TtlCache<bigint | null>;
  /** test-only fault injection: runs between a successful settlement and its record */
  afterSettleHook?: (paymentId: string) => Promise<void>;
};

const PAYMENT_IDENTIFIER_DECLARATION = declarePaymentIdentifierExtension(false);

const btoa64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

/** Receives what the upstream was sent, credentials masked (the console's test call). */
export type UpstreamTrace = (sent: { url: string; headers: [string, string][] }) => void;

type RequestContext = {
  requestId: string;
  trace?: UpstreamTrace;
  merchantId: string;
  method: string;
  /** path after the merchant id, always starting with / */
  path: string;
  search: string;
  clientIp: string | null;
  startedAt: number;
  /** how the call was recorded in the access log (or CHARGED with its payment), for the metrics */
  served?: ServedAs;
};

function contextOf(req: GatewayRequest, merchantId: string, trace?: UpstreamTrace): RequestContext {
  const url = req.url;
  const prefix = `/${merchantId}`;
  const pathname = req.rawPath ?? url.pathname;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  return {
    requestId: requestIdFrom(req.headers),
    merchantId,
    method: req.method,
    path: rest === "" ? "/" : rest,
    search: url.search,
    clientIp: clientIpFrom(req.headers) ?? req.remoteAddress,
    startedAt: performance.now(),
    trace,
  };
}

function elapsed(ctx: RequestContext): number {
  return Math.round(performance.now() - ctx.startedAt);
}

function logAccess(deps: GatewayDeps, ctx: RequestContext, entry: Omit<AccessLogEntry, "merchantId" | "requestId" | "method" | "path" | "latencyMs" | "clientIp" | "createdAt">): void {
  ctx.served = { status: entry.status, reason: entry.reason };
  deps.usage.write({
    merchantId: ctx.merchantId,
    requestId: ctx.requestId,
    method: ctx.method,
    path: ctx.path,
    latencyMs: elapsed(ctx),
    clientIp: ctx.clientIp,
    createdAt: deps.now(),
    ...entry,
  });
}

function challengeFor(
  deps: GatewayDeps,
  req: GatewayRequest,
  route: PricedRoute,
  ctx: RequestContext,
  opts: { clientVersion: 1 | 2 | null; error?: string; errorMessage?: string },
): PaymentChallenge {
  const wantsHtml = opts.clientVersion === null && !opts.error && (req.headers.get("accept") ?? "").includes("text/html");
  // `error` is the protocol's reason string; `errorMessage` says it in words (clients ignore extra fields)
  // every route accepts a payment identifier (a retried payment gets its first outcome, never a
  // second charge); bundles and passes also declare Sign-In-With-X: how the buyer comes back without paying
  const extensions: Record<string, unknown> = { [PAYMENT_IDENTIFIER]: PAYMENT_IDENTIFIER_DECLARATION };
  if (route.rule.billingMode !== "PER_REQUEST") {
    extensions[SIWX_HEADER] = siwxDeclaration({
      appUrl: deps.env.GATEWAY_URL,
      resourceUrl: route.resourceUrl,
      network: route.network.id,
      nonce: randomHex(16),
      issuedAt: deps.now(),
      statement: `Use your ${describePurchase(route)} at ${route.merchant.name}`,
    });
  }
  const body = paymentRequiredBody(route, { ...opts, extensions });
  return {
    v2Header: btoa64(paymentRequiredV2(route, opts.error, extensions)),
    body: opts.errorMessage ? { ...body, errorMessage: opts.errorMessage } : body,
    html: wantsHtml ? renderPaywall(route, { appUrl: deps.env.APP_URL, path: ctx.path }) : undefined,
  };
}

/** Where a request goes upstream: the merchant's base URL + the (mapped) path + the query. */
type UpstreamTarget = { url: URL; ruleId: string | null };

function upstreamTarget(merchant: MerchantSnapshot, match: CompiledRule | null, ctx: RequestContext): UpstreamTarget | { refused: string } {
  const mapped = match ? mapUpstreamPath(match.rule.upstreamPath, match.pattern, ctx.path) : { ok: true as const, path: ctx.path };
  if (!mapped.ok) return { refused: mapped.message };
  const url = joinUpstreamUrl(merchant.upstreamBaseUrl, mapped.path, ctx.search);
  if (!url) return { refused: "This path cannot be mapped to the upstream: it would leave the upstream's base path" };
  return { url, ruleId: match?.rule.id ?? null };
}

function refuseUpstreamPath(deps: GatewayDeps, ctx: RequestContext, message: string, ruleId: string | null): GatewayOutcome {
  logAccess(deps, ctx, { ruleId, status: "REJECTED", reason: "upstream_path_refused", httpStatus: 400 });
  return { kind: "invalid_request", message };
}

function forwardHeaders(req: GatewayRequest, ctx: RequestContext, deps: GatewayDeps, extra: Record<string, string>): Record<string, string> {
  // the client as we established it (server/http/forwarded.ts), not the chain it may have made up
  return buildUpstreamHeaders(req.headers, {
    "x-forwarded-for": ctx.clientIp ?? "unknown",
    "x-forwarded-host": req.url.host,
    "x-forwarded-proto": new URL(deps.env.GATEWAY_URL).protocol.replace(":", ""),
    "x-request-id": ctx.requestId,
    ...extra,
  });
}

/**
 * Sends the request upstream with the merchant's injected credentials (replacing any the buyer
 * sent under the same names) and the gateway's signature over the final URL and the payment facts.
 */
async function proxy(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  target: UpstreamTarget,
  facts: GatewayPaymentFacts,
  extra: Record<string, string>,
): Promise<ProxyOutcome> {
  const declared = req.headers.get("content-length");
  let url: URL;
  let headers: Record<string, string>;
  try {
    const credentials = credentialsForRule(merchant.credentials, target.ruleId);
    url = new URL(target.url);
    url.search = withQueryCredentials(target.url.search, credentials.query);
    const now = deps.now();
    const secrets = merchant.signingSecrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => s.secret);
    const signature = signUpstreamRequest({ secrets, nowSeconds: Math.floor(now.getTime() / 1000), requestId: ctx.requestId, method: ctx.method, url, facts });
    headers = forwardHeaders(req, ctx, deps, { ...extra, ...credentials.headers, ...signature });
    ctx.trace?.(maskUpstreamRequest({ url, headers }, credentials.secrets));
  } catch (err) {
    // whatever in the merchant's configuration trips the building of the request (rows saved before
    // today's validation): this request fails before anything was sent or charged, nothing else does
    deps.log.warn({ err, merchantId: merchant.id, requestId: ctx.requestId }, "the upstream request could not be built from the merchant's configuration");
    return { kind: "error", message: "invalid_upstream_request", upstreamLatencyMs: 0 };
  }
  return proxyToUpstream({
    method: ctx.method,
    url,
    headers,
    body: req.body,
    declaredLength: declared ? Number(declared) : null,
    timeoutMs: merchant.upstreamTimeoutMs,
    maxBodyBytes: deps.maxBodyBytes,
    allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS,
    signal: req.signal,
  });
}

/** A proxy failure as the outcome the client sees (no charge was made). */
function proxyFailure(result: Exclude<ProxyOutcome, { kind: "response" }>, merchant: MerchantSnapshot): GatewayOutcome {
  switch (result.kind) {
    case "timeout":
      return { kind: "upstream_timeout", timeoutMs: merchant.upstreamTimeoutMs };
    case "invalid_response":
      return { kind: "upstream_invalid_response", status: result.status };
    case "blocked":
      return { kind: "upstream_blocked" };
    case "body_too_large":
      return { kind: "body_too_large", maxBytes: 0 };
    case "error":
      return { kind: "upstream_unreachable", message: result.message };
    default:
      return result satisfies never;
  }
}

function failureReason(result: Exclude<ProxyOutcome, { kind: "response" }>): string {
  switch (result.kind) {
    case "timeout":
      return "upstream_timeout";
    case "blocked":
      return "upstream_blocked";
    case "body_too_large":
      return "body_too_large";
    case "invalid_response":
      return "upstream_invalid_response";
    case "error":
      return "upstream_error";
    default:
      return result satisfies never;
  }
}

type PricedCall = { route: PricedRoute; target: UpstreamTarget; settlementPolicy: SettlementPolicy; ruleId: string };

function priceRoute(deps: GatewayDeps, merchant: MerchantSnapshot, ctx: RequestContext, match: CompiledRule | null, target: UpstreamTarget): PricedCall | null | "misconfigured" {
  if (!match) return null;
  const network = deps.networks.get(match.rule.network);
  const asset = network?.assets.find((a) => a.address === match.rule.asset.toLowerCase());
  const payTo = merchant.settlementMode === "PLATFORM" ? deps.env.PLATFORM_PAYOUT_ADDRESS?.toLowerCase() : merchant.payoutAddress;
  if (!network || !asset || !payTo) return "misconfigured";
  return {
    route: { merchant, rule: match.rule, network, asset, payTo, resourceUrl: `${deps.env.GATEWAY_URL}/${merchant.id}${ctx.path}` },
    target,
    settlementPolicy: match.rule.settlementPolicy,
    ruleId: match.rule.id,
  };
}

// TRACE would echo the buyer's headers (payment, cookies) back from the upstream; CONNECT and TRACK
// tunnel or trace, and no upstream behind a paywall serves them
const REFUSED_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);

export async function resolveGatewayOutcome(deps: GatewayDeps, req: GatewayRequest, ctx: RequestContext): Promise<GatewayOutcome> {
  if (REFUSED_METHODS.has(ctx.method)) return { kind: "method_not_allowed", method: ctx.method };
  if (!MERCHANT_ID_PATTERN.test(ctx.merchantId)) return { kind: "merchant_not_found" };
  let merchant: MerchantSnapshot | null;
  try {
    merchant = await deps.merchants.get(ctx.merchantId);
  } catch (err) {
    deps.log.error({ err, requestId: ctx.requestId }, "merchant lookup failed");
    return { kind: "unavailable", message: "The gateway's database is unavailable; nothing was charged" };
  }
  if (!merchant) return { kind: "merchant_not_found" };
  if (merchant.status !== "ACTIVE") return { kind: "merchant_inactive", status: merchant.status };

  // rules are matched on the canonical path and the upstream is sent that same path: what is priced
  // is exactly what is served (server/pricing/canonical-path.ts)
  const canonical = canonicalizePath(ctx.path);
  const matched = canonical.ok ? matchRequest(merchant.rules, ctx.method, canonical.path) : null;
  // a payment is decoded (pure, no I/O) before the rate limit: paying traffic draws from buckets
  // of its own, so a flood of unpaid probes cannot lock buyers out
  const decoded: DecodeResult = matched?.match ? decodePaymentHeader(req.headers) : NO_PAYMENT;
  // a Sign-In-With-X proof on a bundle or pass route is a buyer coming back: the paying lane too
  // (its wallet is known once the proof is verified, so its client's bucket stands in for it)
  const returning = matched?.match && matched.match.rule.billingMode !== "PER_REQUEST" && req.headers.get(SIWX_HEADER) !== null;
  const lane: Lane = decoded.kind === "ok" ? { paid: true, payer: decoded.payment.exact.authorization.from.toLowerCase() } : { paid: returning === true, payer: null };
  const limited = await admit(deps, merchant, ctx, lane);
  if (limited) return limited;

  if (!canonical.ok || !matched) {
    logAccess(deps, ctx, { status: "REJECTED", reason: "path_refused", httpStatus: 400 });
    return { kind: "invalid_request", message: canonical.ok ? "Invalid path" : canonical.message };
  }
  ctx.path = matched.path;
  const match = matched.match;
  if (matched.pricedForOtherMethods && merchant.unmatchedMethods === "REFUSE") {
    // the merchant priced this path and serves no method it did not price
    logAccess(deps, ctx, { status: "REJECTED", reason: "method_not_priced", httpStatus: 404 });
    return { kind: "not_priced", method: ctx.method };
  }
  // the upstream URL is settled before anything is charged: a refused mapping costs the buyer nothing
  const target = upstreamTarget(merchant, match, ctx);
  if ("refused" in target) return refuseUpstreamPath(deps, ctx, target.refused, match?.rule.id ?? null);

  const ownerKey = presentedApiKey(req);
  if (ownerKey) {
    const owner = await serveOwner(deps, req, merchant, ctx, ownerKey, target);
    if (owner) return owner;
  }

  const priced = priceRoute(deps, merchant, ctx, match, target);
  if (priced === "misconfigured") {
    deps.log.error({ merchantId: merchant.id, path: ctx.path }, "pricing rule names an unknown network, asset or payout address");
    return { kind: "unavailable", message: "This route's pricing is misconfigured (unknown network or asset); nothing was charged" };
  }
  if (priced === null) return serveFree(deps, req, merchant, ctx, target);

  // ── risk blocklist (server/risk/): a blocked client IP on any paid path, a blocked payer as soon
  // as its payment header is decoded. Refused before entitlements, verification and reservation:
  // nothing is reserved or settled, and the access log records the refusal.
  const payerForBlock = decoded.kind === "ok" ? decoded.payment.exact.authorization.from.toLowerCase() : null;
  const block = await deps.blocklist.check({ clientIp: ctx.clientIp, payer: payerForBlock, now: deps.now() });
  if (block) {
    logAccess(deps, ctx, { ruleId: priced.ruleId, status: "REJECTED", reason: block.code, httpStatus: 403, ...(payerForBlock ? { payer: payerForBlock } : {}) });
    return { kind: "blocked", code: block.code };
  }
  // ── end risk blocklist

  const proof = priced.route.rule.billingMode === "PER_REQUEST" ? null : req.headers.get(SIWX_HEADER);
  if (proof) {
    const entitled = await serveEntitled(deps, req, merchant, priced, ctx, proof, decoded.kind !== "none");
    if (entitled) return entitled;
  }
  if (decoded.kind === "none") {
    logAccess(deps, ctx, { ruleId: priced.ruleId, status: "REJECTED", reason: "payment_required", httpStatus: 402 });
    return { kind: "payment_required", challenge: challengeFor(deps, req, priced.route, ctx, { clientVersion: null }) };
  }
  if (decoded.kind === "invalid") return rejectPayment(deps, req, priced, ctx, decoded.version, decoded.reason, decoded.message);
  return servePaid(deps, req, merchant, priced, ctx, decoded.payment);
}

const NO_PAYMENT: DecodeResult = { kind: "none" };

/**
 * The rate limits, in two lanes: a request with a decoded payment on a priced path takes from the
 * paying buckets (the merchant's, the payer's and its client's), every other request from the
 * unpaid ones (the merchant's and its client's). All of a lane's buckets or none are taken.
 */
type Lane = { paid: boolean; payer: string | null };

async function admit(deps: GatewayDeps, merchant: MerchantSnapshot, ctx: RequestContext, lane: Lane): Promise<GatewayOutcome | null> {
  const { limits } = merchant;
  const client = ctx.clientIp ?? "unknown";
  const buckets = lane.paid
    ? [
        { key: `gw:paid:${merchant.id}`, limit: limits.paidPerMerchant },
        { key: `gw:paid:${merchant.id}:ip:${client}`, limit: limits.paidPerPayer },
        ...(lane.payer ? [{ key: `gw:paid:${merchant.id}:payer:${lane.payer}`, limit: limits.paidPerPayer }] : []),
      ]
    : [
        { key: `gw:unpaid:${merchant.id}`, limit: limits.unpaidPerMerchant },
        { key: `gw:unpaid:${merchant.id}:ip:${client}`, limit: limits.unpaidPerClient },
      ];
  const decision = await deps.rateLimiter.takeAll(buckets);
  if (decision.allowed) return null;
  const who = decision.key.includes(":payer:") ? "payer" : decision.key.includes(":ip:") ? "client" : "merchant";
  const scope: RateLimitScope = lane.paid ? (who === "payer" ? "paid_payer" : who === "client" ? "paid_client" : "paid_merchant") : who === "client" ? "unpaid_client" : "unpaid_merchant";
  logAccess(deps, ctx, { status: "REJECTED", reason: `rate_limited_${scope}`, httpStatus: 429, ...(lane.payer ? { payer: lane.payer } : {}) });
  return { kind: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds, scope };
}

function rejectPayment(
  deps: GatewayDeps,
  req: GatewayRequest,
  priced: { route: PricedRoute; ruleId: string },
  ctx: RequestContext,
  version: 1 | 2 | null,
  reason: string,
  message: string,
  extra: Partial<AccessLogEntry> = {},
): GatewayOutcome {
  logAccess(deps, ctx, { ruleId: priced.ruleId, status: "REJECTED", reason, httpStatus: 402, ...extra });
  return { kind: "payment_rejected", reason, message, challenge: challengeFor(deps, req, priced.route, ctx, { clientVersion: version, error: reason, errorMessage: message }) };
}

/** A platform API key in X-API-Key or `Authorization: Bearer x4g_…`: the merchant calling its own API. */
function presentedApiKey(req: GatewayRequest): string | null {
  const header = req.headers.get("x-api-key") ?? req.headers.get("authorization")?.replace(/^bearer\s+/i, "") ?? null;
  return header?.startsWith("x4g_") ? header.trim() : null;
}

const KEY_REFUSALS = {
  malformed: "The API key is malformed",
  unknown: "The API key is not valid",
  revoked: "The API key was revoked",
  expired: "The API key has expired",
} as const;

/**
 * The merchant's own key with scope `gateway:owner`: served without payment (tests, monitoring),
 * logged as OWNER, never revenue. A valid key of another merchant, or one without the scope, grants
 * nothing here: null sends the request down the normal path (free or 402) as if it had no key.
 */
async function serveOwner(deps: GatewayDeps, req: GatewayRequest, merchant: MerchantSnapshot, ctx: RequestContext, key: string, target: UpstreamTarget): Promise<GatewayOutcome | null> {
  const check = await authenticateApiKey(deps, key);
  if (!check.ok) {
    logAccess(deps, ctx, { status: "REJECTED", reason: `api_key_${check.reason}`, httpStatus: 401 });
    return { kind: "unauthorized", message: KEY_REFUSALS[check.reason] };
  }
  if (check.merchantId !== merchant.id || !scopesAllowOwnerCalls(check.scopes)) return null;
  const result = await proxy(deps, req, merchant, ctx, target, { kind: "owner", keyId: check.keyId }, { "x-x402-owner-key": check.keyId });
  if (result.kind !== "response") {
    logAccess(deps, ctx, { ruleId: target.ruleId, status: "FAILED", reason: failureReason(result), httpStatus: 502 });
    return withMaxBytes(proxyFailure(result, merchant), deps);
  }
  logAccess(deps, ctx, { ruleId: target.ruleId, status: "OWNER", httpStatus: result.status, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
  return { kind: "proxied", status: result.status, headers: result.headers, body: result.body };
}

async function serveFree(deps: GatewayDeps, req: GatewayRequest, merchant: MerchantSnapshot, ctx: RequestContext, target: UpstreamTarget): Promise<GatewayOutcome> {
  const result = await proxy(deps, req, merchant, ctx, target, { kind: "free" }, {});
  if (result.kind !== "response") {
    logAccess(deps, ctx, { status: "FAILED", reason: failureReason(result), httpStatus: 502, upstreamLatencyMs: "upstreamLatencyMs" in result ? result.upstreamLatencyMs : null });
    return withMaxBytes(proxyFailure(result, merchant), deps);
  }
  logAccess(deps, ctx, { status: "FREE", httpStatus: result.status, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
  return { kind: "proxied", status: result.status, headers: result.headers, body: result.body };
}

function withMaxBytes(outcome: GatewayOutcome, deps: GatewayDeps): GatewayOutcome {
  return outcome.kind === "body_too_large" ? { kind: "body_too_large", maxBytes: deps.maxBodyBytes } : outcome;
}

/**
 * A call covered by a bundle or time pass the caller's wallet bought: the SIGN-IN-WITH-X proof
 * names the wallet, an entitlement covers the call, nothing is charged. Null means "go on to the
 * payment in this request" (a proof without an entitlement, sent together with a payment).
 */
async function serveEntitled(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  ctx: RequestContext,
  proof: string,
  hasPayment: boolean,
): Promise<GatewayOutcome | null> {
  const { route } = priced;
  const publicClient = deps.chains.forNetwork(route.network.id)?.publicClient;
  const check = await verifySiwxProof(deps, {
    header: proof,
    appUrl: deps.env.GATEWAY_URL,
    resourceUrl: route.resourceUrl,
    network: route.network.id,
    merchantId: merchant.id,
    now: deps.now(),
    verifier: localFirstMessageVerifier(publicClient ? (args) => publicClient.verifyMessage(args) : undefined),
  });
  if (!check.ok) return hasPayment ? null : rejectPayment(deps, req, priced, ctx, 2, check.reason, check.message);
  const entitlement = await consumeEntitlement(deps.db, { merchantId: merchant.id, ruleId: priced.ruleId, payer: check.address, now: deps.now() });
  if (!entitlement) {
    return hasPayment ? null : rejectPayment(deps, req, priced, ctx, 2, "no_entitlement", `No bundle or time pass of ${check.address} covers this call; pay to buy ${describePurchase(route)}`, { payer: check.address });
  }
  const facts: GatewayPaymentFacts = { kind: "entitled", entitlementId: entitlement.id, payer: check.address, billingMode: entitlement.billingMode };
  const result = await proxy(deps, req, merchant, ctx, priced.target, facts, { "x-x402-payer": check.address, "x-x402-entitlement-id": entitlement.id });
  const served = { ruleId: priced.ruleId, entitlementId: entitlement.id, payer: check.address };
  if (result.kind !== "response" || result.status >= 400) {
    // a failed call does not use up a bundle's call
    if (entitlement.billingMode === "BUNDLE") await restoreEntitlementCall(deps.db, { merchantId: merchant.id, entitlementId: entitlement.id });
    if (result.kind !== "response") {
      logAccess(deps, ctx, { ...served, status: "FAILED", reason: failureReason(result), httpStatus: result.kind === "timeout" ? 504 : 502 });
      return withMaxBytes(proxyFailure(result, merchant), deps);
    }
    logAccess(deps, ctx, { ...served, status: "FAILED", reason: "upstream_error", httpStatus: result.status, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
    return { kind: "proxied", status: result.status, headers: result.headers, body: result.body };
  }
  logAccess(deps, ctx, { ...served, status: "ENTITLED", httpStatus: result.status, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
  return { kind: "proxied", status: result.status, headers: { ...result.headers, "x-x402-entitlement": entitlementHeader(entitlement) }, body: result.body };
}

async function servePaid(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  priced: PricedCall,
  ctx: RequestContext,
  payment: DecodedPayment,
): Promise<GatewayOutcome> {
  const { route } = priced;
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const check = checkPaymentForRoute(payment, route, nowSeconds);
  const payer = payment.exact.authorization.from.toLowerCase();
  if (!check.ok) return rejectPayment(deps, req, priced, ctx, payment.version, check.reason, check.message, { payer });

  const facilitator = deps.facilitators.forKind(merchant.facilitator);
  if (!facilitator) {
    deps.log.error({ merchantId: merchant.id, facilitator: merchant.facilitator }, "the merchant's facilitator is not configured");
    return { kind: "unavailable", message: `The ${merchant.facilitator.toLowerCase()} facilitator is not configured on this gateway; nothing was charged` };
  }
  const admission = await settlementPolicyFor(deps, merchant, route, priced.settlementPolicy, payer, check.amount);

  // 1. reserve: the unique reservation key makes a second use of this authorization impossible
  const reservation = await reservePayment(deps.db, {
    merchantId: merchant.id,
    ruleId: priced.ruleId,
    x402Version: payment.version,
    scheme: payment.scheme,
    network: route.network.id,
    asset: route.asset.address,
    payer,
    payTo: route.payTo,
    amountAtomic: check.amount,
    requiredAmountAtomic: BigInt(route.rule.priceAtomic.toFixed()),
    nonce: payment.exact.authorization.nonce,
    validAfter: BigInt(payment.exact.authorization.validAfter),
    validBefore: BigInt(payment.exact.authorization.validBefore),
    payloadEncoded: payment.encoded,
    facilitator: facilitator.kind,
    settlementPolicy: admission.policy,
    resource: route.resourceUrl,
    requestId: ctx.requestId,
    paymentIdentifier: payment.paymentIdentifier,
  }, deps.env, { choosePolicy: admission.choosePolicy });
  if (!reservation.ok) {
    // a retry of an identified payment gets the first attempt's outcome instead of a refusal
    const retried = payment.paymentIdentifier ? await retriedPaymentOutcome(deps, merchant, payment.paymentIdentifier, payer, payment.exact.authorization.nonce) : null;
    if (retried) {
      logAccess(deps, ctx, { ruleId: priced.ruleId, status: "REJECTED", reason: `idempotent_${retried.kind}`, httpStatus: retried.kind === "replayed" ? retried.status : 409, payer });
      return retried;
    }
    const message = reservation.reason === "payment_replayed" ? "This payment authorization was already used" : "This payment identifier was already used for another payment";
    return rejectPayment(deps, req, priced, ctx, payment.version, reservation.reason, message, { payer });
  }
  const paymentId = reservation.paymentId;
  const policy = reservation.settlementPolicy;
  // the paid path's stages each log one line under the request id (the free path logs only its end)
  const log = deps.log.child({ requestId: ctx.requestId, merchantId: merchant.id, paymentId });
  const callContext = { requestId: ctx.requestId, merchantId: merchant.id };
  log.info({ payer, amountAtomic: check.amount.toString(), network: route.network.id, policy }, "payment reserved");
  const release = (reason: string, message?: string) => releasePayment(deps.db, { merchantId: merchant.id, paymentId, reason, message, at: deps.now() });

  // 2. verify through the merchant's facilitator (signature, balance, nonce unused on chain). A
  // DEFERRED payment signed by an ordinary wallet is checked locally instead: its balance was read
  // (cached) when the policy was chosen, the chain is asked whether the authorization is still
  // unused (a used or cancelled one would be served and never paid), and the facilitator verifies
  // it again when the queue settles. When the chain cannot be asked, the facilitator verifies now.
  const signedLocally = policy === "DEFERRED" && (await signedByPayer(payment.exact, route));
  const spent = signedLocally ? await isAuthorizationSpent(deps.chains, { network: route.network.id, asset: route.asset.address, payer, nonce: payment.exact.authorization.nonce }) : null;
  if (spent === true) {
    const message = "This authorization was already used or cancelled on chain";
    await release(AUTHORIZATION_SPENT, message);
    return rejectPayment(deps, req, priced, ctx, payment.version, AUTHORIZATION_SPENT, message, { payer, paymentId });
  }
  const verifiedLocally = spent === false;
  const verification = verifiedLocally ? { isValid: true as const } : await facilitator.verify(payment.payload, check.requirements, callContext);
  if (!verification.isValid) {
    const reason = verification.invalidReason ?? "invalid_payment";
    await release(reason, verification.invalidMessage);
    return rejectPayment(deps, req, priced, ctx, payment.version, reason, verification.invalidMessage ?? reason, { payer, paymentId });
  }
  // the VERIFIED mark is written while the upstream works; it is awaited before anything settles.
  // A DEFERRED payment becomes VERIFIED when it is queued, in one write after the upstream answered.
  const verifiedWrite = policy === "DEFERRED" ? Promise.resolve() : markPaymentVerified(deps.db, { merchantId: merchant.id, paymentId, at: deps.now() });
  verifiedWrite.catch(() => undefined); // a failure surfaces where it is awaited, not as an unhandled rejection

  const usageOf = (httpStatus: number, upstreamStatus: number | null, upstreamLatencyMs: number | null): ChargedUsage => ({
    requestId: ctx.requestId,
    method: ctx.method,
    path: ctx.path,
    httpStatus,
    upstreamStatus,
    latencyMs: elapsed(ctx),
    upstreamLatencyMs,
    clientIp: ctx.clientIp,
  });
  type Settled = { ok: true; settlement: SettleResponse } | { ok: false; unclear: false; reason: string; message: string } | { ok: false; unclear: true };
  /**
   * Settles through the facilitator. Only a refusal before sending or a reverted transaction releases
   * the authorization; an outcome that proves neither (a throw, a timeout, no receipt, a record that
   * failed after the transfer) keeps it reserved and marked unclear for the reconciler, with the
   * usage of the call, which is not answered (server/payments/settle-verdict.ts).
   */
  const settle = async (usage: ChargedUsage): Promise<Settled> => {
    await verifiedWrite;
    let settlement: SettleResponse;
    try {
      settlement = await facilitator.settle(payment.payload, check.requirements, callContext);
    } catch (err) {
      log.error({ err }, "settlement threw: its outcome is unknown");
      settlement = { success: false, errorReason: "settlement_threw", errorMessage: err instanceof Error ? err.message : String(err), transaction: "", network: route.network.id as SettleResponse["network"] };
    }
    const verdict = settleVerdict(settlement);
    if (verdict === "nothing_moved") {
      const reason = settlement.errorReason ?? "settlement_failed";
      const message = settlement.transaction ? `${settlement.errorMessage ?? "reverted"} (${settlement.transaction})` : settlement.errorMessage;
      await release(reason, message);
      return { ok: false, unclear: false, reason, message: settlement.errorMessage ?? reason };
    }
    if (verdict === "unclear") {
      const detail = `${settlement.errorReason ?? "settlement_failed"}: ${settlement.errorMessage ?? "no detail"}${settlement.transaction ? ` (${settlement.transaction})` : ""}`;
      await leaveUnclear(detail, usage);
      return { ok: false, unclear: true };
    }
    try {
      await deps.afterSettleHook?.(paymentId);
    } catch (err) {
      log.error({ err }, "settled, but stopped before recording it");
      await leaveUnclear(`settled in ${settlement.transaction}, stopped before recording it`, usage);
      return { ok: false, unclear: true };
    }
    return { ok: true, settlement };
  };
  const leaveUnclear = async (detail: string, usage: ChargedUsage) => {
    log.warn({ detail }, "settlement outcome unknown: the payment stays reserved for the reconciler");
    // a database that failed the record may fail this too: the row is VERIFIED either way, which the reconciler examines
    await markSettlementUnclear(deps.db, { merchantId: merchant.id, paymentId, message: detail, usage, at: deps.now() }).catch((err: unknown) => log.error({ err }, "could not mark the settlement unclear"));
  };
  /** The answer when the outcome is unknown: no content, and the payment id to ask about. */
  const pending = (extra: Partial<AccessLogEntry> = {}): GatewayOutcome => {
    logAccess(deps, ctx, { ruleId: priced.ruleId, paymentId, payer, status: "FAILED", reason: "settlement_pending", httpStatus: 502, ...extra });
    return { kind: "settlement_pending", paymentId };
  };

  const record = async (settlement: SettleResponse, usage: ChargedUsage, extra: { outcome?: RecordedOutcome | null; refundDue?: string | null } = {}): Promise<GrantedEntitlement | null> => {
    const blockNumber = (settlement.extra as { blockNumber?: string } | undefined)?.blockNumber;
    const recorded = await recordSettlement(deps.db, deps.env, {
      merchantId: merchant.id,
      paymentId,
      txHash: settlement.transaction,
      blockNumber: blockNumber ? BigInt(blockNumber) : null,
      at: deps.now(),
      usage,
      ...extra,
    });
    return recorded.entitlement;
  };
  /** record(), or — when the write fails after the transfer — the payment left unclear for the reconciler. */
  const recordOrLeaveUnclear = async (settlement: SettleResponse, usage: ChargedUsage, extra: { outcome?: RecordedOutcome | null; refundDue?: string | null } = {}) => {
    try {
      return { ok: true as const, entitlement: await record(settlement, usage, extra) };
    } catch (err) {
      log.error({ err, txHash: settlement.transaction }, "settled, but recording it failed");
      await leaveUnclear(`settled in ${settlement.transaction}, recording it failed`, usage);
      return { ok: false as const };
    }
  };
  const paymentResponseOf = (settlement: SettleResponse) => {
    const { extra: _internal, ...publicSettlement } = settlement;
    return encodePaymentResponse(payment.version, publicSettlement);
  };

  const paidHeaders = { "x-x402-payer": payer, "x-x402-payment-id": paymentId, "x-x402-amount": check.amount.toString(), "x-x402-network": route.network.id };

  // BEFORE_PROXY: the merchant wants the money moved before the upstream does any work
  let settledEarly: SettleResponse | null = null;
  if (policy === "BEFORE_PROXY") {
    const settled = await settle(usageOf(502, null, null));
    if (!settled.ok) return settled.unclear ? pending() : rejectPayment(deps, req, priced, ctx, payment.version, settled.reason, settled.message, { payer, paymentId });
    settledEarly = settled.settlement;
  }

  // 3. proxy
  // x402 settles after the resource is served unless the rule says BEFORE_PROXY: until then the
  // upstream is told the transaction is "pending"
  const facts: GatewayPaymentFacts = {
    kind: "paid",
    paymentId,
    payer,
    amount: check.amount.toString(),
    asset: route.asset.address,
    network: route.network.id,
    txHash: settledEarly?.transaction ?? "pending",
    billingMode: route.rule.billingMode,
    settlementPolicy: route.rule.settlementPolicy,
  };
  const result = await proxy(deps, req, merchant, ctx, priced.target, facts, paidHeaders);
  log.info(result.kind === "response" ? { upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs } : { upstreamFailure: result.kind }, "upstream answered");
  if (result.kind !== "response") {
    const reason = failureReason(result);
    const upstreamLatencyMs = "upstreamLatencyMs" in result ? result.upstreamLatencyMs : null;
    const httpStatus = result.kind === "timeout" ? 504 : 502;
    await verifiedWrite;
    if (settledEarly) {
      // the money moved before the upstream failed: charged, and recorded as owed back to the payer
      const refundDue = `${reason.replaceAll("_", " ")} after settlement`;
      const recorded = await recordOrLeaveUnclear(settledEarly, usageOf(httpStatus, null, upstreamLatencyMs), { refundDue });
      if (!recorded.ok) return pending({ upstreamLatencyMs });
      return {
        kind: "upstream_failed_after_settlement",
        message: "The upstream failed after this route's payment had settled (it settles before proxying); the payment is recorded for refund",
        paymentId,
        paymentResponse: paymentResponseOf(settledEarly),
      };
    }
    await release(reason);
    logAccess(deps, ctx, { ruleId: priced.ruleId, paymentId, payer, status: "FAILED", reason, httpStatus, upstreamLatencyMs });
    return withMaxBytes(proxyFailure(result, merchant), deps);
  }

  const upstreamFailed = result.status >= 400;
  if (upstreamFailed && !settledEarly && !merchant.chargeOnUpstreamError) {
    // 4a. the upstream failed: no charge; the client gets the upstream's answer
    await verifiedWrite;
    await release("upstream_error", `upstream answered ${result.status}`);
    logAccess(deps, ctx, { ruleId: priced.ruleId, paymentId, payer, status: "FAILED", reason: "upstream_error", httpStatus: result.status, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
    return { kind: "proxied", status: result.status, headers: result.headers, body: result.body };
  }
  const usage = usageOf(result.status, result.status, result.upstreamLatencyMs);
  // a client that identified its payment may retry it: keep the response to replay
  const kept = payment.paymentIdentifier ? await keepBody(result.body, KEPT_BODY_MAX_BYTES) : { kept: null, body: result.body };
  const outcomeFor = (paymentResponse: { name: string; value: string }): RecordedOutcome | null =>
    payment.paymentIdentifier ? { status: result.status, headers: result.headers, body: kept.kept, paymentResponse } : null;

  // 4b. DEFERRED: answer now; the settlement queue settles it (server/payments/deferred.ts)
  if (policy === "DEFERRED") {
    const paymentResponse = encodePaymentResponse(payment.version, { success: true, transaction: "", network: route.network.id as SettleResponse["network"], payer });
    const deferred: DeferredSettlement = { requirements: check.requirements, usage };
    await queueDeferredSettlement(deps.db, { merchantId: merchant.id, paymentId, at: deps.now(), deferred, outcome: outcomeFor(paymentResponse) });
    ctx.served = { status: "CHARGED" };
    log.info("payment queued for deferred settlement");
    return { kind: "proxied", status: result.status, headers: { ...result.headers, "x-x402-settlement": "deferred" }, body: kept.body, paymentResponse };
  }

  // 4c. settle (unless already settled), then 5. record payment + usage + ledger in one transaction
  let settlement = settledEarly;
  if (!settlement) {
    // not answered until the money is proven to have moved: the buyer gets the body only with a recorded charge
    const settled = await settle(usageOf(502, result.status, result.upstreamLatencyMs));
    if (!settled.ok) {
      kept.body?.resume();
      if (settled.unclear) return pending({ upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
      return rejectPayment(deps, req, priced, ctx, payment.version, settled.reason, settled.message, { payer, paymentId, upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
    }
    settlement = settled.settlement;
  }
  const paymentResponse = paymentResponseOf(settlement);
  // BEFORE_PROXY charged before the upstream failed: owed back unless the merchant charges for errors
  const refundDue = settledEarly && upstreamFailed && !merchant.chargeOnUpstreamError ? `upstream answered ${result.status} after settlement` : null;
  const recorded = await recordOrLeaveUnclear(settlement, usage, { outcome: outcomeFor(paymentResponse), refundDue });
  if (!recorded.ok) {
    kept.body?.resume();
    return pending({ upstreamStatus: result.status, upstreamLatencyMs: result.upstreamLatencyMs });
  }
  const entitlement = recorded.entitlement;
  ctx.served = { status: "CHARGED" };
  log.info({ txHash: settlement.transaction }, "payment recorded");
  return {
    kind: "proxied",
    status: result.status,
    headers: entitlement ? { ...result.headers, "x-x402-entitlement": entitlementHeader(entitlement) } : result.headers,
    body: kept.body,
    paymentResponse,
  };
}

/**
 * The settlement policy a payment is reserved under, or — for a DEFERRED rule with the merchant's
 * switch on — the admission that decides it inside the reservation (exposure cap, flag, balance:
 * server/payments/deferred.ts), so concurrent calls cannot all pass the cap.
 */
async function settlementPolicyFor(
  deps: GatewayDeps,
  merchant: MerchantSnapshot,
  route: PricedRoute,
  rulePolicy: SettlementPolicy,
  payer: string,
  amountAtomic: bigint,
): Promise<{ policy: SettlementPolicy; choosePolicy?: ReturnType<typeof deferredAdmission> }> {
  if (rulePolicy !== "DEFERRED") return { policy: rulePolicy };
  if (!merchant.deferredSettlementOn) return { policy: "AFTER_SUCCESS" };
  const balanceAtomic = await deps.payerBalances.get(`${route.network.id}|${route.asset.address}|${payer}`).catch(() => null);
  const onDowngrade = (because: string) => deps.log.info({ merchantId: merchant.id, payer, because }, "deferred payment settles after success instead");
  return { policy: "DEFERRED", choosePolicy: deferredAdmission({ merchantId: merchant.id, payer, capAtomic: merchant.maxUnsettledPerPayer, amountAtomic, balanceAtomic, onDowngrade }) };
}

/**
 * A payment whose identifier is already recorded: the same authorization gets the recorded outcome
 * (or "still in progress"); another authorization under the same identifier is a conflict. Null
 * when no payment holds the identifier (the reservation clashed on the authorization itself).
 */
async function retriedPaymentOutcome(deps: GatewayDeps, merchant: MerchantSnapshot, paymentIdentifier: string, payer: string, nonce: string): Promise<GatewayOutcome | null> {
  const existing = await findIdentifiedPayment(deps.db, { merchantId: merchant.id, paymentIdentifier });
  if (!existing) return null;
  if (existing.payer !== payer || existing.authorizationNonce !== nonce.toLowerCase()) {
    return { kind: "payment_identifier_conflict", message: "This payment identifier was already used with a different payment", paymentId: existing.id };
  }
  const outcome = existing.outcome;
  if (outcome?.body) {
    return {
      kind: "replayed",
      status: outcome.status,
      headers: outcome.headers as Record<string, string | string[]>,
      body: Buffer.from(outcome.body),
      paymentResponse: { name: outcome.paymentResponseName, value: outcome.paymentResponseValue },
    };
  }
  if (existing.status === "PENDING" || existing.status === "VERIFIED") return { kind: "payment_in_progress", paymentId: existing.id };
  const why = existing.status === "SETTLED" || existing.status === "REFUNDED" ? "was charged once already; its response was too large to keep" : "failed and cannot be used again";
  return { kind: "payment_identifier_conflict", message: `The payment with this identifier ${why}`, paymentId: existing.id };
}

async function outcomeOf(deps: GatewayDeps, req: GatewayRequest, ctx: RequestContext): Promise<GatewayOutcome> {
  let outcome: GatewayOutcome;
  try {
    outcome = await resolveGatewayOutcome(deps, req, ctx);
  } catch (err) {
    deps.log.error({ err, requestId: ctx.requestId, merchantId: ctx.merchantId }, "gateway request failed");
    outcome = { kind: "unavailable", message: "The gateway could not complete this request; if a payment was taken it will be reconciled" };
  }
  observe(deps, ctx, outcome);
  return outcome;
}

/** One metrics observation and one log line per request, when its answer is ready to send. */
function observe(deps: GatewayDeps, ctx: RequestContext, outcome: GatewayOutcome): void {
  const label = gatewayOutcomeLabel(outcome, ctx.served);
  const ms = performance.now() - ctx.startedAt;
  deps.metrics.gatewayRequest({ outcome: label.outcome, reason: label.reason, merchantId: outcome.kind === "merchant_not_found" ? null : ctx.merchantId, seconds: ms / 1000 });
  // the path only: a query string may carry the buyer's own credentials
  if (deps.accessLog.enabled()) {
    deps.accessLog.write({ requestId: ctx.requestId, merchantId: ctx.merchantId, method: ctx.method, path: ctx.path, outcome: label.outcome, reason: label.reason, ms: Math.round(ms) });
  }
}

/** The gateway's entry point for fetch-style handlers: any method on /<merchantId>/<path>. */
export async function handleGatewayRequest(deps: GatewayDeps, req: Request, params: { merchantId: string; trace?: UpstreamTrace }): Promise<Response> {
  const request = fromWebRequest(req);
  const ctx = contextOf(request, params.merchantId, params.trace);
  return toResponse(await outcomeOf(deps, request, ctx), ctx.requestId);
}

/** The same gateway on node:http, without web-stream conversions (the self-hosted server). */
export async function handleGatewayNode(
  deps: GatewayDeps,
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
  params: { merchantId: string; origin: string },
): Promise<void> {
  const request = fromNodeRequest(req, params.origin);
  const ctx = contextOf(request, params.merchantId);
  writeOutcome(res, await outcomeOf(deps, request, ctx), ctx.requestId);
}
