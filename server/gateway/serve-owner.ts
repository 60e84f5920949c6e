import { authenticateApiKey } from "@/server/api-keys/api-keys";
import { scopesAllowOwnerCalls } from "@/server/api-keys/scopes";

import type { GatewayDeps } from "./gateway-deps";
import type { GatewayRequest } from "./gateway-request";
import type { MerchantSnapshot } from "./merchant-snapshot";
import type { RequestContext } from "./request-context";
import { served, type Served } from "./served";
import { callUpstream, upstreamFailure, type UpstreamTarget } from "./upstream-call";

/** A platform API key in X-API-Key or `Authorization: Bearer x4g_…`: the merchant calling its own API. */
export function presentedApiKey(req: GatewayRequest): string | null {
  const header =
    req.headers.get("x-api-key") ??
    req.headers.get("authorization")?.replace(/^bearer\s+/i, "") ??
    null;
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
export async function serveOwner(
  deps: GatewayDeps,
  req: GatewayRequest,
  merchant: MerchantSnapshot,
  ctx: RequestContext,
  key: string,
  target: UpstreamTarget,
): Promise<Served | null> {
  const check = await authenticateApiKey(deps, key);
  if (!check.ok)
    return served(
      { kind: "unauthorized", message: KEY_REFUSALS[check.reason] },
      { status: "REJECTED", reason: `api_key_${check.reason}` },
    );
  if (check.merchantId !== merchant.id || !scopesAllowOwnerCalls(check.scopes)) return null;
  const result = await callUpstream(deps, {
    req,
    ctx,
    merchant,
    target,
    facts: { kind: "owner", keyId: check.keyId },
    extra: { "x-x402-owner-key": check.keyId },
  });
  if (result.kind !== "response") {
    const failure = upstreamFailure(result, merchant, deps.maxBodyBytes);
    return served(failure.outcome, {
      ruleId: target.ruleId,
      status: "FAILED",
      reason: failure.reason,
      upstreamLatencyMs: failure.upstreamLatencyMs,
    });
  }
  return served(
    { kind: "proxied", status: result.status, headers: result.headers, body: result.body },
    {
      ruleId: target.ruleId,
      status: "OWNER",
      upstreamStatus: result.status,
      upstreamLatencyMs: result.upstreamLatencyMs,
    },
  );
}
