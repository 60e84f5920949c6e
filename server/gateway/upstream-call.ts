import type { GatewayPaymentFacts } from "@/sdk/src/verify";
import {
  joinUpstreamUrl,
  mapUpstreamPath,
  withQueryCredentials,
} from "@/server/pricing/upstream-path";
import type { CompiledRule } from "@/server/pricing/rules";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { GatewayOutcome } from "./outcome";
import { buildUpstreamHeaders, proxyToUpstream, type ProxyOutcome } from "./proxy";
import type { RequestContext } from "./request-context";
import { credentialsForRule, maskUpstreamRequest, signUpstreamRequest } from "./upstream-trust";

// The upstream leg shared by every way a call is served: where it goes, what it carries (injected
// credentials, the gateway's signature over the payment facts) and what a failure becomes.

/** Where a request goes upstream: the merchant's base URL + the (mapped) path + the query. */
export type UpstreamTarget = { url: URL; ruleId: string | null };

export function upstreamTarget(
  merchant: MerchantSnapshot,
  match: CompiledRule | null,
  ctx: RequestContext,
): UpstreamTarget | { refused: string } {
  const mapped = match
    ? mapUpstreamPath(match.rule.upstreamPath, match.pattern, ctx.path)
    : { ok: true as const, path: ctx.path };
  if (!mapped.ok) return { refused: mapped.message };
  const url = joinUpstreamUrl(merchant.upstreamBaseUrl, mapped.path, ctx.search);
  if (!url)
    return {
      refused:
        "This path cannot be mapped to the upstream: it would leave the upstream's base path",
    };
  return { url, ruleId: match?.rule.id ?? null };
}

/** One upstream call: who asks (the context), for which merchant and target, with which facts and extra headers. */
export type UpstreamCall = {
  req: GatewayRequest;
  ctx: RequestContext;
  merchant: MerchantSnapshot;
  target: UpstreamTarget;
  facts: GatewayPaymentFacts;
  extra: Record<string, string>;
};

/** GATEWAY_URL's scheme, parsed once per value rather than once per request. */
let gatewayScheme = { of: "", scheme: "" };
function schemeOf(gatewayUrl: string): string {
  if (gatewayScheme.of !== gatewayUrl)
    gatewayScheme = { of: gatewayUrl, scheme: new URL(gatewayUrl).protocol.replace(":", "") };
  return gatewayScheme.scheme;
}

function forwardHeaders(
  deps: GatewayDeps,
  call: UpstreamCall,
  added: Record<string, string>,
): Record<string, string> {
  // the client as we established it (server/http/forwarded.ts), not the chain it may have made up
  return buildUpstreamHeaders(call.req.headers, {
    "x-forwarded-for": call.ctx.clientIp ?? "unknown",
    "x-forwarded-host": call.req.url.host,
    "x-forwarded-proto": schemeOf(deps.env.GATEWAY_URL),
    "x-request-id": call.ctx.requestId,
    ...added,
  });
}

/** The URL and headers sent upstream: the merchant's credentials replace any the buyer sent under the same names. */
function signedRequest(
  deps: GatewayDeps,
  call: UpstreamCall,
): { url: URL; headers: Record<string, string> } {
  const { merchant, target, ctx } = call;
  const credentials = credentialsForRule(merchant.credentials, target.ruleId);
  // the target is this request's own URL: copied only when query credentials change it
  let url = target.url;
  if (credentials.query.length > 0) {
    url = new URL(target.url);
    url.search = withQueryCredentials(target.url.search, credentials.query);
  }
  const now = deps.now();
  const secrets = merchant.signingSecrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => s.secret);
  const signature = signUpstreamRequest({
    secrets,
    nowSeconds: Math.floor(now.getTime() / 1000),
    requestId: ctx.requestId,
    method: ctx.method,
    url,
    facts: call.facts,
  });
  const headers = forwardHeaders(deps, call, {
    ...call.extra,
    ...credentials.headers,
    ...signature,
  });
  ctx.trace?.(maskUpstreamRequest({ url, headers }, credentials.secrets));
  return { url, headers };
}

/** Sends the request upstream with the merchant's injected credentials and the gateway's signature. */
export async function callUpstream(deps: GatewayDeps, call: UpstreamCall): Promise<ProxyOutcome> {
  let sent: { url: URL; headers: Record<string, string> };
  try {
    sent = signedRequest(deps, call);
  } catch (err) {
    // whatever in the merchant's configuration trips the building of the request (rows saved before
    // today's validation): this request fails before anything was sent or charged, nothing else does
    deps.log.warn(
      { err, merchantId: call.merchant.id, requestId: call.ctx.requestId },
      "the upstream request could not be built from the merchant's configuration",
    );
    return { kind: "error", message: "invalid_upstream_request", upstreamLatencyMs: 0 };
  }
  const declared = call.req.headers.get("content-length");
  return proxyToUpstream({
    method: call.ctx.method,
    url: sent.url,
    headers: sent.headers,
    body: call.req.body,
    declaredLength: declared ? Number(declared) : null,
    timeoutMs: call.merchant.upstreamTimeoutMs,
    maxBodyBytes: deps.maxBodyBytes,
    allowPrivate: deps.env.ALLOW_PRIVATE_UPSTREAMS,
    signal: call.req.signal,
  });
}

export type UpstreamFailure = Exclude<ProxyOutcome, { kind: "response" }>;

/** A proxy failure as the outcome the client sees (no charge was made) and the access log's reason. */
export function upstreamFailure(
  result: UpstreamFailure,
  merchant: MerchantSnapshot,
  maxBodyBytes: number,
): { outcome: GatewayOutcome; reason: string; upstreamLatencyMs: number | null } {
  const upstreamLatencyMs = "upstreamLatencyMs" in result ? result.upstreamLatencyMs : null;
  switch (result.kind) {
    case "timeout":
      return {
        outcome: { kind: "upstream_timeout", timeoutMs: merchant.upstreamTimeoutMs },
        reason: "upstream_timeout",
        upstreamLatencyMs,
      };
    case "invalid_response":
      return {
        outcome: { kind: "upstream_invalid_response", status: result.status },
        reason: "upstream_invalid_response",
        upstreamLatencyMs,
      };
    case "blocked":
      return {
        outcome: { kind: "upstream_blocked" },
        reason: "upstream_blocked",
        upstreamLatencyMs,
      };
    case "body_too_large":
      return {
        outcome: { kind: "body_too_large", maxBytes: maxBodyBytes },
        reason: "body_too_large",
        upstreamLatencyMs,
      };
    case "error":
      return {
        outcome: { kind: "upstream_unreachable", message: result.message },
        reason: "upstream_error",
        upstreamLatencyMs,
      };
    default:
      return result satisfies never;
  }
}
